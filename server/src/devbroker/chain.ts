// Checks a certificate chain and key before the dev broker serves them (TLS Manual): the
// server certificate first, each certificate issued and signed by the next, one key algorithm for the whole chain,
// the key belongs to the first certificate, and the certificate is valid now. Never prints the key. The PEM is read
// by the engine's reader (engine/tls.ts), the one the TLS rules use, so the editor and the broker agree on a Secret.
import type { X509Certificate } from 'node:crypto';
import { CertInfo, readChain, readKey } from '../engine/tls';

export interface ChainReport {
  errors: string[];
  warnings: string[];
  certs: X509Certificate[];
}

export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

const label = (c: CertInfo) => `'${c.label.replace(/^CN=/, '')}'`;

export function checkChain(certPem: string, keyPem: string, now = new Date()): ChainReport {
  const errors: string[] = [],
    warnings: string[] = [];
  const read = readChain(certPem);
  if (!read.chain) return { errors: [read.problem ?? 'tls.crt cannot be read'], warnings, certs: [] };
  const infos = read.chain.certs;
  const certs = infos.map((c) => c.x509);
  const leaf = infos[0];
  if (leaf.ca)
    errors.push(
      `the first certificate ${label(leaf)} is a CA: tls.crt must start with the server certificate, then the intermediates`,
    );
  const key = readKey(keyPem, leaf.x509);
  if (key.problem) errors.push(key.problem);
  else if (key.matchesLeaf === false) errors.push(`tls.key does not belong to the server certificate ${label(leaf)}`);
  const families = new Set(infos.map((c) => c.keyFamily));
  if (families.size > 1)
    errors.push(
      `the chain mixes key algorithms (${[...families].join(', ')}); every certificate must use the same one`,
    );
  for (let i = 0; i + 1 < infos.length; i++) {
    const c = infos[i],
      up = infos[i + 1];
    // Issued by the next one (names and key usage) and signed with its key.
    if (!issuedBy(c.x509, up.x509)) {
      errors.push(
        `certificate ${i + 1} ${label(c)} is not issued by the next one ${label(up)}: order the chain server first, then its issuer`,
      );
    }
  }
  if (now < leaf.notBefore)
    errors.push(`the server certificate ${label(leaf)} is not valid before ${leaf.notBefore.toISOString()}`);
  if (now > leaf.notAfter)
    errors.push(`the server certificate ${label(leaf)} expired on ${leaf.notAfter.toISOString()}`);
  for (const c of infos.slice(1))
    if (now > c.notAfter) errors.push(`${label(c)} in the chain expired on ${c.notAfter.toISOString()}`);
  if (!leaf.dnsNames.includes('localhost') && !leaf.ipAddresses.includes('127.0.0.1')) {
    const sans =
      [...leaf.dnsNames.map((d) => `DNS:${d}`), ...leaf.ipAddresses.map((a) => `IP Address:${a}`)].join(', ') || 'none';
    warnings.push(
      `the server certificate ${label(leaf)} names neither localhost nor 127.0.0.1 (SANs: ${sans}); clients must connect with one of its names or skip the host check`,
    );
  }
  return { errors, warnings, certs };
}

function issuedBy(cert: X509Certificate, by: X509Certificate): boolean {
  try {
    return cert.checkIssued(by) && cert.verify(by.publicKey);
  } catch {
    return false;
  }
}
