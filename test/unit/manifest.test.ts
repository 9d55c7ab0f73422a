// The extension manifest stays truthful: walkthrough steps point at files and commands that exist, and every
// contributed command is registered by the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const BUILT_IN = new Set([
  'workbench.actions.view.problems',
  'editor.action.quickFix',
  'brokerkit.serviceConnector.focus',
  'brokerkit.listeners.focus',
]);

function clientSource(): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk('client/src');
  return out.join('\n');
}

test('every contributed command is registered by the client', () => {
  const src = clientSource();
  const missing = (pkg.contributes.commands as { command: string }[])
    .map((c) => c.command)
    .filter((id) => !src.includes(`'${id}'`));
  assert.deepEqual(missing, []);
});

test('walkthrough steps have their media and link only to real commands', () => {
  const ids = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  const walkthrough = pkg.contributes.walkthroughs[0];
  assert.equal(walkthrough.steps.length, 5);
  for (const step of walkthrough.steps) {
    assert.ok(existsSync(step.media.markdown), `${step.id}: ${step.media.markdown} missing`);
    for (const m of String(step.description).matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(ids.has(m[1]) || BUILT_IN.has(m[1]), `${step.id} links to unknown command ${m[1]}`);
    }
    for (const ev of step.completionEvents as string[]) {
      const cmd = /^onCommand:(.+)$/.exec(ev)?.[1];
      if (cmd) assert.ok(ids.has(cmd) || BUILT_IN.has(cmd), `${step.id} completes on unknown command ${cmd}`);
      assert.match(
        ev,
        /^(onCommand|onView|onContext|onLink|onSettingChanged|onExtensionInstalled|onStepSelected)/,
        `${step.id}: unsupported completion event ${ev}`,
      );
      const view = /^onView:(.+)$/.exec(ev)?.[1];
      if (view)
        assert.ok(
          pkg.contributes.views.brokerkit.some((v: { id: string }) => v.id === view),
          `${step.id} completes on unknown view ${view}`,
        );
    }
  }
});

test('the manifest declares workspace trust and virtual workspace support', () => {
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(pkg.capabilities.virtualWorkspaces.supported, false);
  assert.ok(existsSync(pkg.icon));
});
