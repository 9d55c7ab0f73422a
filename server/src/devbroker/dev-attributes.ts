// Attributes a dev client certificate carries for the dev broker: `dev-ca client-cert NAME --attribute group=x`
// writes each as a URI subject alternative name `urn:brokerkit:attribute:<key>=<value>` (percent-encoded), the way
// SPIFFE IDs ride in client certificates. The dev broker uses them for a certificate of its dev CA when no
// authorizationAttributes entry of the BrokerAuthentication matches the certificate's subject: a stand-in that lets the
// first client connect. AIO itself takes X509 attributes only from authorizationAttributes.
import type { X509Certificate } from 'node:crypto';

const PREFIX = 'urn:brokerkit:attribute:';

/** The URIs that carry `attrs`. */
export function devAttributeUris(attrs: Record<string, string>): string[] {
  return Object.entries(attrs).map(([k, v]) => `${PREFIX}${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
}

/** The dev attributes of a certificate, or undefined when it has none. */
export function readDevAttributes(cert: X509Certificate): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of (cert.subjectAltName ?? '').split(/,\s*/)) {
    if (!part.startsWith(`URI:${PREFIX}`)) continue;
    const kv = part.slice(4 + PREFIX.length);
    const eq = kv.indexOf('=');
    if (eq < 1) continue;
    try {
      out[decodeURIComponent(kv.slice(0, eq))] = decodeURIComponent(kv.slice(eq + 1));
    } catch {
      /* not ours */
    }
  }
  return Object.keys(out).length ? out : undefined;
}
