// The extra SANs of an automatic certificate. `san.ip` entries must be IPv4/IPv6 addresses
// (cert-manager cannot issue the certificate otherwise: error); `san.dns` entries should be DNS names, `*.` allowed
// as the first label (warning). The CRD checks neither. The same holds for a cert-manager
// Certificate's `ipAddresses` / `dnsNames`.
import type { DocumentContext, DocumentRule } from '../rule';
import type { Path } from '../parse';
import { CERT_MANAGER_GROUP, isAio } from '../resources';
import { isDnsName, isIP, isIPv4, isPlaceholder } from '../tls';

const rule: DocumentRule = {
  scope: 'document',
  code: 'san-invalid',
  severity: 'error',
  title:
    'A SAN entry is malformed: an `ip` entry that is not an IPv4/IPv6 address (error), a `dns` entry that is not a DNS name (warning).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto',
    'https://cert-manager.io/docs/usage/certificate/',
  ],
  applies: (r) => isAio(r, 'BrokerListener') || (r.kind === 'Certificate' && r.group === CERT_MANAGER_GROUP),
  check(r, ctx) {
    if (r.kind === 'BrokerListener') {
      const ports = r.value.spec?.ports;
      if (!Array.isArray(ports)) return;
      ports.forEach((p: any, i: number) => {
        const san = p?.tls?.certManagerCertificateSpec?.san;
        if (!san || typeof san !== 'object') return;
        const base = ['spec', 'ports', i, 'tls', 'certManagerCertificateSpec', 'san'];
        ips(san.ip, [...base, 'ip'], 'san.ip', 'san.dns', ctx);
        names(san.dns, [...base, 'dns'], 'san.ip', ctx);
      });
    } else {
      const spec = r.value.spec;
      if (!spec || typeof spec !== 'object') return;
      ips(spec.ipAddresses, ['spec', 'ipAddresses'], 'ipAddresses', 'dnsNames', ctx);
      names(spec.dnsNames, ['spec', 'dnsNames'], 'ipAddresses', ctx);
    }
  },
};

function ips(list: unknown, path: Path, field: string, dnsField: string, ctx: DocumentContext): void {
  if (!Array.isArray(list)) return;
  list.forEach((v, i) => {
    if (typeof v !== 'string' || isIP(v) || isPlaceholder(v)) return;
    const t = v.trim();
    let message: string;
    let replace: string | undefined;
    if (isIP(t)) {
      message = `'${v}' has surrounding spaces; write the address alone.`;
      replace = t;
    } else if (/^[0-9a-fA-F:.]+\/\d+$/.test(t))
      message = `'${v}' is an address range; a certificate SAN holds single addresses. List each address the broker is reached at.`;
    else if (isDnsName(t) && /[a-zA-Z]/.test(t))
      message = `'${v}' is a host name, not an IP address: move it to ${dnsField}.`;
    else
      message = `'${v}' is not an IPv4 or IPv6 address, so cert-manager cannot issue the certificate. Write an address such as 192.168.0.10 or fd00::10 in ${field}.`;
    ctx.report({ path: [...path, i], message, data: replace ? { replace } : undefined });
  });
}

function names(list: unknown, path: Path, ipField: string, ctx: DocumentContext): void {
  if (!Array.isArray(list)) return;
  list.forEach((v, i) => {
    if (typeof v !== 'string' || (isDnsName(v) && !isIPv4(v)) || isPlaceholder(v)) return;
    const t = v.trim();
    let message: string;
    let replace: string | undefined;
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(t);
    if (isIP(t))
      message = `'${v}' is an IP address: clients connecting by IP are matched against IP SANs, so move it to ${ipField}.`;
    else if (url && isDnsName(url[1])) {
      message = `'${v}' is a URL; a DNS SAN is the host name alone: '${url[1]}'.`;
      replace = url[1];
    } else if (t !== v && isDnsName(t)) {
      message = `'${v}' has surrounding spaces; write the name alone.`;
      replace = t;
    } else if (t.endsWith('.') && isDnsName(t.slice(0, -1))) {
      message = `'${v}' ends with a dot; certificate SANs are written without it: '${t.slice(0, -1)}'.`;
      replace = t.slice(0, -1);
    } else
      message = `'${v}' is not a valid DNS name: use dot-separated labels of letters, digits and inner hyphens (at most 63 characters each), with '*.' allowed only at the start.`;
    ctx.report({ path: [...path, i], severity: 'warning', message, data: replace ? { replace } : undefined });
  });
}

export default rule;
