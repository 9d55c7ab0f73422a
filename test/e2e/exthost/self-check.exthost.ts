// A module for the harness's own test (../exthost.test.ts): one passing and one deliberately failing test, so the
// harness must report a non-zero exit code and the failure by name.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runAll, test } from './runner';

test('sees the vscode API and the environment the harness set', () => {
  assert.equal(typeof vscode.version, 'string');
  assert.ok(process.env.BROKERKIT_EXTHOST_RESULTS);
});

test('deliberately fails', () => {
  assert.equal(1 + 1, 3, 'this failure is expected by the harness self-check');
});

export const run = runAll;
