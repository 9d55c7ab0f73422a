// `npm run docs:images`: copies screenshots made by the real-VS-Code tests (test-results/, written by every e2e run)
// into docs/images for the README, so its pictures show what the current code really does.
// Run after `npm test` (or `node test/run.mjs e2e`).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const walk = 'test-results/walkthrough-the-five-first-steps-on-the-demo-workspace-and-demo-cluster';
const pictures = {
  'walkthrough.png': `${walk}/01-walkthrough.png`,
  'diagnostics.png': `${walk}/02-validate.png`,
  'quick-fix.png': `${walk}/03-quick-fix.png`,
  'cluster-views.png': `${walk}/04-cluster-views.png`,
  'dev-broker.png': `${walk}/05-dev-broker.png`,
};
mkdirSync('docs/images', { recursive: true });
let missing = 0;
for (const [to, from] of Object.entries(pictures)) {
  if (!existsSync(from)) {
    console.error(`missing ${from}: run the e2e suite first (node test/run.mjs e2e)`);
    missing++;
    continue;
  }
  copyFileSync(from, join('docs/images', to));
  console.log(`docs/images/${to} <- ${from}`);
}
process.exit(missing ? 1 : 0);
