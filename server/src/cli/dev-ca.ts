// brokerkit dev-ca export|client-cert: the dev broker's local CA. `export` copies the root certificate (never a key);
// `client-cert` issues a client certificate for X509 authentication.
import * as path from 'node:path';
import { parseArgs, flag, bool, UsageError } from './usage';
import type { Command } from './commands';

const command: Command = {
  name: 'dev-ca',
  summary:
    "The dev broker's local CA: export its root certificate, or create a client certificate for X509 authentication.",
  usage:
    'brokerkit dev-ca export [--family ec|rsa|ed25519] [--out FILE] [--state-dir DIR] [--json] | brokerkit dev-ca client-cert <name> [--attribute KEY=VALUE]... [--algorithm Ec256] [--out-dir DIR] [--days N] [--state-dir DIR] [--json]',
  help: [
    'export       writes where the root certificate is (or copies it to --out); clients trust it with --cafile.',
    "client-cert  issues a client certificate (CN = name) from the dev CA into --out-dir (default: the state folder's",
    '             clients/ folder); its key is written 0600 and never printed.',
    '  --attribute KEY=VALUE  attributes the dev broker gives the certificate when no authorizationAttributes entry of',
    '             the BrokerAuthentication matches its subject (repeatable), e.g. --attribute group=plant-devices.',
    '  --state-dir DIR        the dev CA folder; default the one `brokerkit dev-broker` and the extension use',
    '             (BROKERKIT_STATE_DIR, else ~/.local/state/brokerkit/dev-broker).',
    '',
    'The dev broker prints, for each port with X509 authentication, the client-cert command that satisfies its',
    'BrokerAuthorization and a mosquitto_pub command for a topic the policy allows.',
  ].join('\n'),
  async run(args) {
    const p = parseArgs(args, {
      values: ['family', 'out', 'state-dir', 'algorithm', 'out-dir', 'days', 'attribute'],
      booleans: ['json'],
    });
    const [sub, name] = p.positional;
    const db = require('../devbroker') as typeof import('../devbroker'); // lazy: only this command loads MQTT and x509
    const stateDir = flag(p, 'state-dir') ?? db.defaultStateDir();
    const json = bool(p, 'json');
    if (sub === 'export') {
      const family = (flag(p, 'family') ?? 'ec') as 'ec' | 'rsa' | 'ed25519';
      if (!['ec', 'rsa', 'ed25519'].includes(family)) throw new UsageError('--family is ec, rsa or ed25519');
      const ca = await db.devCa(stateDir, family);
      const file = flag(p, 'out') ? await db.exportCa(stateDir, family, path.resolve(flag(p, 'out')!)) : ca.caFile;
      process.stdout.write(json ? JSON.stringify({ caFile: file, family, stateDir }) + '\n' : `${file}\n`);
      if (!json) process.stderr.write(`dev CA in ${stateDir}\n`);
      return 0;
    }
    if (sub === 'client-cert') {
      if (!name) throw new UsageError("name the client (it becomes the certificate's CN)");
      const algText = flag(p, 'algorithm') ?? 'Ec256';
      const algorithm = db.parseKeyAlgorithm(algText);
      if (!algorithm) throw new UsageError(`--algorithm is one of ${db.KEY_ALGORITHMS.join(', ')}`);
      const days = Number(flag(p, 'days') ?? '30');
      if (!Number.isInteger(days) || days < 1) throw new UsageError('--days takes a whole number of days');
      const attributes: Record<string, string> = {};
      for (const a of p.flags.get('attribute') ?? []) {
        const eq = a.indexOf('=');
        if (eq < 1) throw new UsageError(`--attribute takes KEY=VALUE (got '${a}')`);
        attributes[a.slice(0, eq)] = a.slice(eq + 1);
      }
      const c = await db.clientCert(stateDir, {
        name,
        algorithm,
        outDir: path.resolve(flag(p, 'out-dir') ?? db.clientsDir(stateDir)),
        days,
        attributes,
      });
      const attrText = Object.entries(attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      if (json)
        process.stdout.write(
          JSON.stringify({ certFile: c.certFile, keyFile: c.keyFile, caFile: c.caFile, attributes, stateDir }) + '\n',
        );
      else
        process.stdout.write(
          `certificate: ${c.certFile}${attrText ? ` (attributes for the dev broker: ${attrText})` : ''}\nkey (0600):  ${c.keyFile}\nCA:          ${c.caFile}\ndev CA in:   ${stateDir}\nUse: mosquitto_pub ... --cafile ${c.caFile} --cert ${c.certFile} --key ${c.keyFile}\n`,
        );
      return 0;
    }
    throw new UsageError('say export or client-cert');
  },
};
export default command;
