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
    'brokerkit dev-ca export [--family ec|rsa|ed25519] [--out FILE] [--state-dir DIR] [--json] | brokerkit dev-ca client-cert <name> [--algorithm Ec256] [--out-dir DIR] [--days N] [--state-dir DIR] [--json]',
  async run(args) {
    const p = parseArgs(args, {
      values: ['family', 'out', 'state-dir', 'algorithm', 'out-dir', 'days'],
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
      process.stdout.write(json ? JSON.stringify({ caFile: file, family }) + '\n' : `${file}\n`);
      return 0;
    }
    if (sub === 'client-cert') {
      if (!name) throw new UsageError("name the client (it becomes the certificate's CN)");
      const algText = flag(p, 'algorithm') ?? 'Ec256';
      const algorithm = db.parseKeyAlgorithm(algText);
      if (!algorithm) throw new UsageError(`--algorithm is one of ${db.KEY_ALGORITHMS.join(', ')}`);
      const days = Number(flag(p, 'days') ?? '30');
      if (!Number.isInteger(days) || days < 1) throw new UsageError('--days takes a whole number of days');
      const c = await db.clientCert(stateDir, {
        name,
        algorithm,
        outDir: path.resolve(flag(p, 'out-dir') ?? '.'),
        days,
      });
      if (json)
        process.stdout.write(JSON.stringify({ certFile: c.certFile, keyFile: c.keyFile, caFile: c.caFile }) + '\n');
      else
        process.stdout.write(
          `certificate: ${c.certFile}\nkey (0600):  ${c.keyFile}\nCA:          ${c.caFile}\nUse: mosquitto_pub ... --cafile ${c.caFile} --cert ${c.certFile} --key ${c.keyFile}\n`,
        );
      return 0;
    }
    throw new UsageError('say export or client-cert');
  },
};
export default command;
