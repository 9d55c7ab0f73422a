// insecure-port: add automatic TLS from AIO's default ClusterIssuer to the port (data: { portIndex, tlsIsNull, tls },
// insecure-port.ts).
import type { TextEdit } from 'vscode-languageserver';
import type { Fix } from './fix-util';
import { dataOf, quickFix } from './fix-util';
import { addKey, replaceValue } from './yaml-edit';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'insecure-port') return undefined;
  const d = dataOf(f);
  if (typeof d.portIndex !== 'number' || !d.tls || typeof d.tls !== 'object') return undefined;
  const portPath = ['spec', 'ports', d.portIndex];
  const edit: TextEdit | undefined = d.tlsIsNull
    ? replaceValue(f.chunk, [...portPath, 'tls'], d.tls)
    : addKey(f.chunk, portPath, 'tls', d.tls);
  if (!edit) return undefined;
  const issuer = (d.tls as any).certManagerCertificateSpec?.issuerRef?.name;
  return [quickFix(`Add automatic TLS${issuer ? ` (issuer ${issuer})` : ''}`, f, { [f.uri]: [edit] }, true)];
};
