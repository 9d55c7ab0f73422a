// The README's snippets for other editors, run as written in the real editors Debian has: Emacs 28 with eglot runs
// the Emacs snippet unchanged. Debian's Neovim is 0.7, older than both Neovim snippets: it checks that they are valid
// Lua and runs the 0.10 snippet with two stand-ins for APIs 0.7 lacks (`vim.lsp.start`, `vim.fs.root`), so its
// FileType autocmd, the server command and the diagnostics are real, and Neovim's client, which watches no files,
// sees a change made on disk by another program (the server's own watcher).
import { test, TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TempWorkspace, listener } from '../helpers/lsp-fixtures';

const README = readFileSync(resolve('README.md'), 'utf8');
const ROOT = resolve('.');

/** The first ```lang block after the line that contains `heading`, with the build folder put in. */
function snippet(heading: string, lang: string): string {
  const from = README.indexOf(heading);
  assert.ok(from >= 0, `README has no '${heading}'`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(from));
  assert.ok(m, `no ${lang} block after '${heading}'`);
  assert.ok(m[1].includes('/path/to/brokerkit'), 'the snippet names the build folder');
  return m[1].split('/path/to/brokerkit').join(ROOT);
}

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** False when the editor is missing: skipped locally, a failure in CI (which installs it). */
function available(t: TestContext, name: string): boolean {
  if (onPath(name)) return true;
  const how = 'install it as root: bash scripts/install-system-deps.sh';
  if (process.env.CI) throw new Error(`${name} is not installed; ${how}`);
  t.skip(`${name} is not installed (${how})`);
  return false;
}

function workspace(): TempWorkspace {
  const ws = new TempWorkspace({
    'a.yaml': listener('lb', { type: 'LoadBalancer', ports: [8883] }),
    'b.yaml': listener('np', { type: 'NodePort', ports: [8884] }),
  });
  // The root marker the snippets look for (a real repository: Emacs' project.el asks git about it).
  const git = spawnSync('git', ['init', '-q', ws.root]);
  if (git.status !== 0) mkdirSync(ws.path('.git'));
  return ws;
}

test('Emacs: the eglot snippet from the README, as written, gets diagnostics', (t) => {
  if (!available(t, 'emacs')) return;
  const ws = workspace();
  try {
    ws.write('x.yaml', listener('x', { type: 'ClusterIp', ports: [18883] }));
    writeFileSync(ws.path('init.el'), snippet('Emacs with eglot', 'elisp'));
    // Batch Emacs: Debian's packages (eglot, yaml-mode) are activated as a user's Emacs does; eglot connects on the
    // first command loop (run by hand here), and the diagnostics arrive through flymake.
    const drive = `
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(load ${JSON.stringify(ws.path('init.el'))})
(require 'yaml-mode)
(find-file ${JSON.stringify(ws.path('x.yaml'))})
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 60)))
  (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
    (accept-process-output nil 0.05)))
(let ((lines (list (format "server %s" (and (eglot-current-server) (eglot--project-nickname (eglot-current-server)))))))
  (dolist (d (flymake-diagnostics))
    (push (format "diag %d %s" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d)) lines))
  (with-temp-file ${JSON.stringify(ws.path('out.txt'))}
    (insert (mapconcat #'identity (reverse lines) "\\n") "\\n")))
(kill-emacs 0)`;
    writeFileSync(ws.path('drive.el'), drive);
    const r = spawnSync('emacs', ['--batch', '-Q', '-l', ws.path('drive.el')], {
      cwd: ws.root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = readFileSync(ws.path('out.txt'), 'utf8');
    assert.ok(out.includes('diag '), `${out}\n${r.stderr}`);
    assert.match(out, new RegExp(`^server ${ws.root.split('/').pop()}$`, 'm'));
    assert.match(out, /^diag 10 brokerkit \[port-conflict\]: Port 18883 is already used by BrokerListener 'default'/m);
  } finally {
    ws.dispose();
  }
});

test('Neovim: both README snippets are valid Lua; the 0.10 one attaches every YAML buffer and sees changes on disk', (t) => {
  if (!available(t, 'nvim')) return;
  const ws = workspace();
  try {
    const v011 = snippet('Neovim 0.11 and later', 'lua');
    const v010 = snippet('Neovim 0.10', 'lua');
    writeFileSync(ws.path('v011.lua'), v011);
    writeFileSync(ws.path('v010.lua'), v010);
    // Stand-ins for the two Neovim 0.10 functions 0.7 lacks (used only when missing).
    const shim = `
vim.fs = vim.fs or {}
vim.fs.root = vim.fs.root or function(buf, markers)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':p:h')
  for _, m in ipairs(markers) do
    local found = vim.fn.finddir(m, dir .. ';')
    if found ~= '' then return vim.fn.fnamemodify(found, ':p:h:h') end
  end
end
if not vim.lsp.start then
  local started = {}
  vim.lsp.start = function(config)
    local key = config.name .. '|' .. config.root_dir
    started[key] = started[key] or vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(0, started[key])
    return started[key]
  end
end
for _, f in ipairs({ 'v011.lua', 'v010.lua' }) do
  assert(loadstring(table.concat(vim.fn.readfile(f), '\\n')), f .. ' is not valid Lua')
end
-- Test instrumentation: count the publishes for a.yaml (it may have no findings at first).
_G.publishes = 0
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri:match('/a%.yaml$') then _G.publishes = _G.publishes + 1 end
  return publish(err, result, ctx, config)
end
dofile('v010.lua')`;
    writeFileSync(ws.path('init.lua'), shim);
    const b = readFileSync(ws.path('b.yaml'), 'utf8');
    const drive = `
local out = {}
local function codes()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(list, tostring(d.code)) end
  return table.concat(list, ',')
end
local function clash() return codes():find('port-conflict', 1, true) ~= nil end
-- The first diagnostics, then another program changes b.yaml so that it clashes with a.yaml.
vim.wait(60000, function() return _G.publishes > 0 end, 20)
table.insert(out, 'first ' .. codes())
vim.fn.writefile(vim.split(${JSON.stringify(b.replace('port: 8884', 'port: 8883'))}, '\\n'), 'b.yaml')
table.insert(out, 'changed ' .. tostring(vim.wait(60000, clash, 20)) .. ' ' .. codes())
for _, c in pairs(vim.lsp.get_active_clients()) do
  table.insert(out, 'client ' .. c.name .. ' ' .. c.config.root_dir .. ' ' .. #vim.lsp.get_buffers_by_client_id(c.id))
end
vim.fn.writefile(out, 'out.txt')
vim.cmd('qa!')`;
    writeFileSync(ws.path('drive.lua'), drive);
    const r = spawnSync('nvim', ['--headless', '-u', ws.path('init.lua'), '-c', 'luafile drive.lua', 'a.yaml'], {
      cwd: ws.root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.ok(existsSync(ws.path('out.txt')), r.stderr + r.stdout);
    const out = readFileSync(ws.path('out.txt'), 'utf8').split('\n');
    assert.ok(!out[0].includes('port-conflict'), out.join('\n'));
    assert.match(out[1], /^changed true .*port-conflict/);
    assert.equal(out[2], `client brokerkit ${ws.root} 1`);
  } finally {
    ws.dispose();
  }
});
