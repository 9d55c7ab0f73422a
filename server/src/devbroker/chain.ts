// Checks a certificate chain and key before the dev broker serves them (TLS Manual, domain.md A.6, B9, B10): the
// server certificate first, each certificate issued and signed by the next, one key algorithm for the whole chain,
// the key belongs to the first certificate, and the certificate is valid now. Never prints the key.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';

export interface ChainReport { errors: string[]; warnings: string[]; certs: X509Certificate[] }

export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function label(c: X509Certificate): string {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(c.subject);
  return `'${m ? m[1] : c.subject.replace(/\n/g, ', ')}'`;
}

export function checkChain(certPem: string, keyPem: string, now = new Date()): ChainReport {
  const errors: string[] = [], warnings: string[] = [];
  const certs: X509Certificate[] = [];
  const blocks = splitPem(certPem);
  if (blocks.length === 0) return { errors: ['tls.crt holds no PEM certificate'], warnings, certs };
  for (const [i, b] of blocks.entries()) {
    try { certs.push(new X509Certificate(b)); } catch (e) { errors.push(`certificate ${i + 1} in tls.crt cannot be read: ${(e as Error).message}`); }
  }
  if (errors.length) return { errors, warnings, certs };
  const leaf = certs[0];
  if (leaf.ca) errors.push(`the first certificate ${label(leaf)} is a CA: tls.crt must start with the server certificate, then the intermediates (domain.md B10)`);
  let key;
  try { key = createPrivateKey(keyPem); } catch { errors.push('tls.key is not a readable private key (PEM, unencrypted)'); }
  if (key) {
    const a = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const b = leaf.publicKey.export({ type: 'spki', format: 'der' });
    if (!a.equals(b)) errors.push(`tls.key does not belong to the server certificate ${label(leaf)}`);
  }
  const types = new Set(certs.map((c) => c.publicKey.asymmetricKeyType));
  if (types.size > 1) errors.push(`the chain mixes key algorithms (${[...types].join(', ')}); every certificate must use the same one (domain.md B9)`);
  for (let i = 0; i + 1 < certs.length; i++) {
    const c = certs[i], up = certs[i + 1];
    if (!c.checkIssued(up) || !c.verify(up.publicKey)) errors.push(`certificate ${i + 1} ${label(c)} is not issued by the next one ${label(up)}: order the chain server first, then its issuer`);
  }
  const from = new Date(leaf.validFrom), to = new Date(leaf.validTo);
  if (now < from) errors.push(`the server certificate ${label(leaf)} is not valid before ${from.toISOString()}`);
  if (now > to) errors.push(`the server certificate ${label(leaf)} expired on ${to.toISOString()}`);
  for (const c of certs.slice(1)) if (now > new Date(c.validTo)) errors.push(`${label(c)} in the chain expired on ${new Date(c.validTo).toISOString()}`);
  if (!/DNS:localhost|IP Address:127\.0\.0\.1/.test(leaf.subjectAltName ?? '')) {
    warnings.push(`the server certificate ${label(leaf)} names neither localhost nor 127.0.0.1 (SANs: ${leaf.subjectAltName ?? 'none'}); clients must connect with one of its names or skip the host check`);
  }
  return { errors, warnings, certs };
}
