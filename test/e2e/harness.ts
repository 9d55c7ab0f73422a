// The real-editor test harness: code-server 4.100.3 (VS Code 1.100.3 with a real node extension host) driven by
// Debian's chromium through playwright-core. Installed by scripts/install-code-server.sh. Usage: test/e2e/README.md.
//
// Every editor runs in a temp folder of its own (XDG dirs, user-data-dir, extensions-dir, workspace copy), listens on
// a free 127.0.0.1 port (code-server binds port 0 and logs the port it got), and is torn down as a whole process
// group on close, on test failure and when the test process exits. Screenshots go to test-results/<test>/NN-step.png.
import { ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  appendFileSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import type { Browser, ConsoleMessage, Locator, Page } from 'playwright-core';
import { distDir } from '../helpers/engine';
import { tempDir } from '../helpers/temp';

export const CODE_SERVER_VERSION = '4.100.3';
const REPO = process.cwd();

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites

export function codeServerPath(): string {
  if (process.env.BROKERKIT_CODE_SERVER) return process.env.BROKERKIT_CODE_SERVER;
  const cache = process.env.BROKERKIT_CACHE || join(homedir(), '.cache', 'brokerkit');
  return join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

export function chromiumPath(): string {
  return process.env.BROKERKIT_CHROMIUM || '/usr/bin/chromium';
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** undefined when the real editor can run here; otherwise what is missing and the command that installs it. */
export function editorMissing(): string | undefined {
  const problems: string[] = [];
  if (!executable(chromiumPath())) {
    problems.push(
      `chromium is not installed (${chromiumPath()}); install it as root: bash scripts/install-system-deps.sh` +
        ' (or: apt-get update && apt-get install -y chromium)',
    );
  }
  if (!executable(codeServerPath())) {
    problems.push(
      `code-server ${CODE_SERVER_VERSION} is not installed (${codeServerPath()}); install it: bash scripts/install-code-server.sh` +
        ' (after bash scripts/install-system-deps.sh as root)',
    );
  }
  return problems.length ? problems.join('\n') : undefined;
}

/**
 * Call first in an e2e test. Returns false when the test cannot run: locally the test is skipped with the reason;
 * in CI (`CI` set) the test fails instead, with the install command in the message.
 */
export function editorAvailable(t: TestContext): boolean {
  const missing = editorMissing();
  if (!missing) return true;
  if (process.env.CI) throw new Error(`The real-editor tests need code-server and chromium:\n${missing}`);
  t.skip(`real editor not installed:\n${missing}`);
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Launch

export interface EditorOptions {
  /** Name of the test: test-results/<slug>/ holds its screenshots and logs. */
  name: string;
  /** A folder to open as is, or a temp workspace built from a copy of `copy` plus `files` (relative path → text). */
  workspace?: string | { copy?: string | string[]; files?: Record<string, string> };
  /** .vsix files installed into the (empty) extensions dir before the editor starts. */
  vsix?: string | string[];
  /** Extra user settings (merged over the clean defaults). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host and the language server. */
  env?: Record<string, string>;
  /** Extension-host tests: see runExtensionTests. */
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  /** false: workspace trust is on and the folder opens in Restricted Mode (no startup prompt). Default: trust off. */
  workspaceTrust?: boolean;
  /** Browser viewport (screenshots have this size). */
  viewport?: { width: number; height: number };
}

export const CLEAN_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.enabled': false,
  // code-server saves after a delay by default; tests save explicitly (Editor.save) so disk state is deterministic.
  'files.autoSave': 'off',
};

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'test'
  );
}

// Processes still running when the test process exits are killed (process groups; see startCodeServer).
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

interface CodeServer {
  proc: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

/**
 * code-server in a process group of its own, under a small bash guard: when the test process dies without closing
 * (crash, SIGKILL by a test timeout) the guard's stdin pipe closes and it kills the whole group.
 */
function startCodeServer(args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<CodeServer> {
  const guard = 'exec 3<&0; "$0" "$@" </dev/null & cs=$!; { cat <&3 >/dev/null; kill -KILL 0; } & wait "$cs"';
  const proc = spawn('bash', ['-c', guard, codeServerPath(), ...args], {
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  liveGroups.add(proc.pid!);
  const exited = new Promise<number | null>((res) =>
    proc.once('exit', (code) => {
      liveGroups.delete(proc.pid!);
      res(code);
    }),
  );
  let out = '';
  return new Promise<CodeServer>((res, rej) => {
    const onData = (d: Buffer) => {
      appendFileSync(logFile, d);
      out += d.toString();
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        proc.stdout!.on('data', (x: Buffer) => appendFileSync(logFile, x));
        res({ proc, port: Number(m[1]), exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => {
      appendFileSync(logFile, d);
      out += d.toString();
    });
    proc.once('error', rej);
    void exited.then((code) => rej(new Error(`code-server exited (${code}) before listening:\n${out.slice(-3000)}`)));
  });
}

async function stopGroup(proc: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const pid = proc.pid!;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  // The group is gone when signal 0 fails; back off between probes, give up politely after a while.
  const deadline = Date.now() + 10_000;
  let delay = 20;
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      liveGroups.delete(pid);
      return;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  liveGroups.delete(pid);
}

/** Waits until GET /healthz answers 200 (retries with backoff; the port is already known to be listening). */
async function healthy(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
  throw new Error(`code-server on port ${port} not healthy: ${last}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d) => {
      output += d;
    });
    p.stderr.on('data', (d) => {
      output += d;
    });
    p.once('error', rej);
    p.once('close', (code) => res({ code, output }));
  });
}

export async function launchEditor(options: EditorOptions): Promise<Editor> {
  const missing = editorMissing();
  if (missing) throw new Error(missing);
  const results = resolve(REPO, 'test-results', slug(options.name));
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  // Short path: code-server puts a unix socket in the user-data-dir (108-byte limit).
  const work = tempDir('bk-e2e-');
  const dirs = { ud: join(work, 'ud'), ext: join(work, 'ext'), xdg: join(work, 'xdg') };
  mkdirSync(join(dirs.ud, 'User'), { recursive: true });
  mkdirSync(dirs.ext, { recursive: true });
  writeFileSync(
    join(dirs.ud, 'User', 'settings.json'),
    JSON.stringify(
      {
        ...CLEAN_SETTINGS,
        ...(options.workspaceTrust === false
          ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
          : {}),
        ...options.settings,
      },
      null,
      2,
    ),
  );

  let workspace: string | undefined;
  if (typeof options.workspace === 'string') workspace = resolve(options.workspace);
  else if (options.workspace) {
    workspace = join(work, 'ws');
    mkdirSync(workspace, { recursive: true });
    for (const c of [options.workspace.copy ?? []].flat())
      cpSync(resolve(c), join(workspace, basename(resolve(c))), { recursive: true });
    for (const [rel, text] of Object.entries(options.workspace.files ?? {})) {
      mkdirSync(dirname(join(workspace, rel)), { recursive: true });
      writeFileSync(join(workspace, rel), text);
    }
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    XDG_STATE_HOME: join(dirs.xdg, 'state'),
  };
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to an editor this process may run inside
  const common = ['--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext];
  const logFile = join(results, 'code-server.log');

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    for (const vsix of [options.vsix ?? []].flat()) {
      const r = await run(codeServerPath(), [...common, '--install-extension', resolve(vsix), '--force'], env);
      appendFileSync(logFile, r.output);
      if (r.code !== 0 || !/successfully installed/i.test(r.output))
        throw new Error(`installing ${vsix} failed (exit ${r.code}):\n${r.output}`);
    }
    server = await startCodeServer(
      [
        '--bind-addr',
        '127.0.0.1:0',
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        ...(options.workspaceTrust === false ? [] : ['--disable-workspace-trust']),
        ...common,
        ...(workspace ? [workspace] : []),
      ],
      env,
      logFile,
    );
    await healthy(server.port);

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const editor = new Editor(page, browser, server, {
      work,
      results,
      workspace,
      userDataDir: dirs.ud,
      keep: !!process.env.BROKERKIT_KEEP_E2E,
    });
    page.on('console', (m: ConsoleMessage) => editor.onConsole(m));

    const params = new URLSearchParams();
    if (workspace) params.set('folder', workspace);
    if (options.extensionTestsPath || options.extensionDevelopmentPath) {
      const remote = (p: string) => `vscode-remote://127.0.0.1:${server!.port}${resolve(p)}`;
      const payload: [string, string][] = [];
      if (options.extensionDevelopmentPath)
        payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
      if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
      params.set('payload', JSON.stringify(payload));
      let exit!: (code: number) => void;
      editor.automationExit = new Promise<number>((res) => {
        exit = res;
      });
      await page.exposeFunction('codeAutomationExit', (code: number) => {
        exit(code);
      });
    }
    await page.goto(`${editor.url}/?${params}`);
    if (!options.extensionTestsPath) {
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
      if (workspace) await page.waitForSelector('.explorer-folders-view', { timeout: 60_000 });
    }
    return editor;
  } catch (e) {
    await browser?.close().catch(() => undefined);
    if (server) await stopGroup(server.proc, server.exited);
    if (!process.env.BROKERKIT_KEEP_E2E) rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The editor

export interface Problem {
  /** Absolute path of the file. */
  file: string;
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  source: string;
  code: string;
  line: number;
  column: number;
  /** Related locations shown under the problem (file name as shown, 1-based line/column). */
  related: { file: string; line: number; column: number; message: string }[];
}

export interface ProblemMatch {
  file?: string;
  code?: string;
  source?: string;
  severity?: Problem['severity'];
  message?: string | RegExp;
  line?: number;
}

export interface TreeRow {
  label: string;
  level: number;
  expanded?: boolean;
  description: string;
  text: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Editor {
  readonly url: string;
  readonly port: number;
  readonly work: string;
  readonly results: string;
  readonly workspace: string | undefined;
  readonly userDataDir: string;
  /** Resolves with the exit code when extension-host tests end (window.codeAutomationExit). */
  automationExit: Promise<number> | undefined;
  /** Browser console lines (errors and warnings; all lines when BROKERKIT_E2E_CONSOLE is set). */
  readonly console: string[] = [];
  private step = 0;
  private closed = false;
  private readonly keep: boolean;

  constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: CodeServer,
    o: { work: string; results: string; workspace?: string; userDataDir: string; keep: boolean },
  ) {
    this.port = server.port;
    this.url = `http://127.0.0.1:${server.port}`;
    this.work = o.work;
    this.results = o.results;
    this.workspace = o.workspace;
    this.userDataDir = o.userDataDir;
    this.keep = o.keep;
  }

  onConsole(m: ConsoleMessage): void {
    const line = `[${m.type()}] ${m.text()}`;
    if (process.env.BROKERKIT_E2E_CONSOLE || m.type() === 'error' || m.type() === 'warning') this.console.push(line);
    appendFileSync(join(this.results, 'console.log'), `${line}\n`);
  }

  /** Saves test-results/<test>/NN-<step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    this.step += 1;
    const file = join(this.results, `${String(this.step).padStart(2, '0')}-${slug(step)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * BrokerKit's activity-bar icon, once it is shown: the extension's contributions are registered then, so the
   * palette lists its commands (the palette lists what is contributed when it opens) and its views can open. Click
   * it to open the BrokerKit side bar.
   */
  async brokerKitIcon(timeout = 60_000): Promise<Locator> {
    const icon = this.page
      .locator(
        '.activitybar .action-item a[aria-label^="BrokerKit"], .activitybar .action-item[aria-label^="BrokerKit"]',
      )
      .first();
    await icon.waitFor({ state: 'visible', timeout });
    return icon;
  }

  /** Absolute path of a workspace file. */
  path(rel: string): string {
    if (!this.workspace) throw new Error('no workspace folder is open');
    return join(this.workspace, rel);
  }

  async waitFor(selector: string, timeout = 30_000): Promise<void> {
    await this.page.locator(selector).first().waitFor({ state: 'visible', timeout });
  }

  /** Waits until an element matching `selector` has text containing `text` (or matching the RegExp). */
  async waitForText(selector: string, text: string | RegExp, timeout = 30_000): Promise<string> {
    const loc = this.page.locator(selector).filter({ hasText: text }).first();
    await loc.waitFor({ state: 'visible', timeout });
    return (await loc.textContent()) ?? '';
  }

  private async openQuickInput(key: string): Promise<void> {
    await this.page.keyboard.press(key);
    await this.page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  }

  /**
   * Picks the quick-input row whose label is exactly `label` (or matches the RegExp), after typing `filter`.
   * Waits for the widget to close.
   */
  private async pick(filter: string, label: string | RegExp): Promise<void> {
    await this.page.keyboard.type(filter);
    const want = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({
        has: this.page.locator('.label-name').filter({ hasText: want }),
      })
      .first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Runs a command from the palette by its full title, e.g. "BrokerKit: Show Output". */
  async runCommand(title: string): Promise<void> {
    await this.openQuickInput('F1');
    await this.pick(title, title);
  }

  /** Opens a workspace file with quick open (path relative to the workspace) and waits for its tab to be active. */
  async openFile(rel: string): Promise<void> {
    await this.openQuickInput('Control+P');
    await this.pick(rel, basename(rel));
    await this.page
      .locator(`.tabs-container .tab.active[aria-label^="${basename(rel)}"]`)
      .waitFor({ state: 'visible' });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Moves the cursor of the active editor to a 1-based line and column (Go to Line). */
  async goTo(line: number, column = 1): Promise<void> {
    await this.openQuickInput('Control+G');
    await this.page.keyboard.type(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page
      .locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` })
      .first()
      .waitFor({ state: 'visible' });
  }

  /** The visible lines of the active text editor (the editor renders only what is on screen). */
  async editorLines(): Promise<string[]> {
    return this.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .evaluate((el) =>
        Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
          .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
          .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')),
      );
  }

  /**
   * Hovers the mouse over the `occurrence`-th visible occurrence of `text` in the active editor and returns the
   * text of the hover that appears (waits until it has text).
   */
  async hover(text: string, occurrence = 0): Promise<string> {
    // The text's place is read from the screen; an editor still scrolling (to a line just gone to) moves it, and the
    // mouse then rests beside it: no hover comes. So the place is read again, and the mouse moved again, until one
    // does (each wait is for the hover itself, a few seconds at most).
    for (let attempt = 1; ; attempt++) {
      await this.page.mouse.move(0, 0);
      const point = await this.textPoint(text, occurrence);
      if (!point) throw new Error(`'${text}' (occurrence ${occurrence}) is not visible in the active editor`);
      await this.page.mouse.move(point.x, point.y);
      try {
        return await this.hoverText(attempt < 4 ? 5000 : undefined);
      } catch (e) {
        if (attempt >= 4) throw e;
      }
    }
  }

  /** Where the middle character of the `occurrence`-th `text` is on the screen, or null when it is not shown. */
  private textPoint(text: string, occurrence: number): Promise<{ x: number; y: number } | null> {
    return this.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .evaluate(
        (root, [needle, nth]) => {
          const lines = Array.from(root.querySelectorAll<HTMLElement>('.view-line')).sort(
            (a, b) => parseFloat(a.style.top) - parseFloat(b.style.top),
          );
          let seen = 0;
          for (const line of lines) {
            const full = (line.textContent ?? '').replace(/\u00a0/g, ' ');
            let from = 0;
            for (;;) {
              const idx = full.indexOf(needle as string, from);
              if (idx < 0) break;
              if (seen++ === nth) {
                // Find the text node and offset of the middle character.
                let target = idx + Math.floor((needle as string).length / 2);
                const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  const len = n.textContent!.length;
                  if (target < len) {
                    const range = document.createRange();
                    range.setStart(n, target);
                    range.setEnd(n, target + 1);
                    const r = range.getBoundingClientRect();
                    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
                  }
                  target -= len;
                }
              }
              from = idx + 1;
            }
          }
          return null;
        },
        [text, occurrence] as const,
      );
  }

  /** Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text. */
  async hoverAtCursor(): Promise<string> {
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    return this.hoverText();
  }

  private async hoverText(timeout?: number): Promise<string> {
    // Editor hovers only: workbench tooltips (tabs, buttons under the mouse) are .monaco-hover.workbench-hover.
    const hover = this.page
      .locator('.monaco-hover:not(.hidden):not(.workbench-hover)')
      .filter({ hasText: /\S/ })
      .first();
    await hover.waitFor({ state: 'visible', timeout });
    return (await hover.textContent()) ?? '';
  }

  /**
   * Opens the Problems panel and returns its rendered rows (the list is virtualised: only what fits is there).
   * `file` (a workspace-relative path or a file name) narrows the panel with its filter box (glob on the path) first;
   * without it the filter is cleared.
   */
  async problems(file?: string): Promise<Problem[]> {
    await this.filterProblems(file);
    return this.shownProblems();
  }

  /** What the Problems panel shows now, as it is filtered. */
  private shownProblems(): Promise<Problem[]> {
    return this.page.locator('.markers-panel').first().evaluate(readProblems);
  }

  private async showProblems(): Promise<void> {
    if (!(await this.page.locator('.markers-panel').first().isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
      await this.page.locator('.markers-panel').first().waitFor({ state: 'visible' });
    }
  }

  /** Sets the Problems filter to the glob for `file` (or clears it) and waits until the rows obey it. */
  private async filterProblems(file: string | undefined): Promise<void> {
    await this.showProblems();
    const input = this.page.locator('.part.panel input[aria-label="Filter Problems"]').first();
    const text = file ? `**/${file}` : '';
    if ((await input.inputValue()) !== text) await input.fill(text);
    if (!file) return;
    await this.page.waitForFunction(
      (f) =>
        Array.from(document.querySelectorAll('.markers-panel .resource-label-container .monaco-icon-label')).every(
          (l) => (l.getAttribute('aria-label') ?? '').endsWith(`/${f}`),
        ),
      file,
    );
  }

  /**
   * Waits until a Problems row matches every given field (message: substring or RegExp) and returns it.
   * With `file`, the panel is filtered to that file first (see problems()).
   */
  async waitForProblem(match: ProblemMatch, timeout = 30_000): Promise<Problem> {
    await this.filterProblems(match.file);
    const m = {
      ...match,
      message:
        match.message instanceof RegExp ? { re: match.message.source, flags: match.message.flags } : match.message,
    };
    try {
      const handle = await this.page.waitForFunction(
        ([read, want]) => {
          const panel = document.querySelector('.markers-panel');
          if (!panel) return null;
          const rows = new Function(`return (${read})`)()(panel) as Problem[];
          return (
            rows.find(
              (p) =>
                (want.file === undefined || p.file === want.file || p.file.endsWith(`/${want.file}`)) &&
                (want.code === undefined || p.code === want.code) &&
                (want.source === undefined || p.source === want.source) &&
                (want.severity === undefined || p.severity === want.severity) &&
                (want.line === undefined || p.line === want.line) &&
                (want.message === undefined ||
                  (typeof want.message === 'string'
                    ? p.message.includes(want.message)
                    : new RegExp(want.message.re, want.message.flags).test(p.message))),
            ) ?? null
          );
        },
        [readProblems.toString(), m] as const,
        { timeout },
      );
      return (await handle.jsonValue()) as Problem;
    } catch (e) {
      const seen = await this.shownProblems().catch((): Problem[] => []);
      throw new Error(
        `no problem matching ${JSON.stringify(m)} within ${timeout} ms; the panel shows:\n` + listProblems(seen),
        { cause: e },
      );
    }
  }

  /**
   * Clicks the rule-code link of the first Problems row with that code (in `file`, when given): VS Code opens the
   * link's target, as a user's click would. Returns the link's target.
   */
  async clickProblemCode(code: string, file?: string): Promise<string> {
    await this.waitForProblem({ code, file });
    const link = this.page
      .locator('.markers-panel .monaco-list-row a.monaco-link:has(.marker-code)')
      .filter({ hasText: new RegExp(`^${code}$`) })
      .first();
    const href = (await link.getAttribute('href')) ?? '';
    await link.click();
    return href;
  }

  /** The text of the active webview (a Markdown preview, for one), once an element matching `selector` is in it. */
  async webviewText(selector = 'body', timeout = 30_000): Promise<string> {
    const frame = this.page
      .locator('iframe.webview.ready')
      .last()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
    const el = frame.locator(selector).first();
    await el.waitFor({ state: 'attached', timeout });
    return (await frame.locator('body').innerText({ timeout })).trim();
  }

  /**
   * Waits until `file` shows in the Problems panel (filtered to it) with its other problems, none with `code`: e.g.
   * after a quick fix, the error leaves the file and the rest stay. The file's entry must be there, so the wait
   * cannot pass on a panel that shows nothing of the file (a filter not applied yet, rows not rendered). For a
   * file that is to be left with no problem at all, check the whole count instead (waitForProblemCounts) and
   * account for it with the problems that remain elsewhere.
   */
  async waitForNoProblem(match: { code: string; file: string }, timeout = 30_000): Promise<void> {
    await this.filterProblems(match.file);
    try {
      await this.page.waitForFunction(
        ([read, want]) => {
          const panel = document.querySelector('.markers-panel');
          if (!panel) return false;
          const rows = (new Function(`return (${read})`)()(panel) as Problem[]).filter(
            (p) => p.file === want.file || p.file.endsWith(`/${want.file}`),
          );
          return rows.length > 0 && !rows.some((p) => p.code === want.code);
        },
        [readProblems.toString(), match] as const,
        { timeout },
      );
    } catch (e) {
      const seen = await this.shownProblems().catch((): Problem[] => []);
      const why = seen.some((p) => p.code === match.code)
        ? `a problem matching ${JSON.stringify(match)} is still shown after ${timeout} ms`
        : `the Problems panel shows nothing of ${match.file} after ${timeout} ms (if it is to have no problem left, ` +
          'check the counts with waitForProblemCounts)';
      throw new Error(`${why}:\n` + listProblems(seen), { cause: e });
    }
  }

  /**
   * Waits until the Problems panel, filtered to `file`, shows exactly the problems with these codes (in any order;
   * a code twice for two problems) and returns them.
   */
  async waitForProblemCodes(file: string, codes: string[], timeout = 60_000): Promise<Problem[]> {
    await this.filterProblems(file);
    const want = [...codes].sort();
    const mine = (rows: Problem[]) => rows.filter((p) => p.file === file || p.file.endsWith(`/${file}`));
    try {
      await this.page.waitForFunction(
        ([read, f, w]) => {
          const panel = document.querySelector('.markers-panel');
          if (!panel) return false;
          const rows = (new Function(`return (${read})`)()(panel) as Problem[]).filter(
            (p) => p.file === f || p.file.endsWith(`/${f}`),
          );
          return JSON.stringify(rows.map((p) => p.code).sort()) === JSON.stringify(w);
        },
        [readProblems.toString(), file, want] as const,
        { timeout },
      );
    } catch (e) {
      const seen = await this.shownProblems().catch((): Problem[] => []);
      throw new Error(
        `${file}: expected problems ${JSON.stringify(want)} after ${timeout} ms; the panel shows:\n` +
          listProblems(seen),
        { cause: e },
      );
    }
    return mine(await this.shownProblems());
  }

  /** The status bar's problem counts of the whole workspace: [errors, warnings, infos]. */
  async problemCounts(): Promise<number[]> {
    const text = (await this.page.locator('[id="status.problems"]').first().textContent()) ?? '';
    return text.trim().split(/\s+/).map(Number);
  }

  /**
   * Waits until the status bar counts the whole workspace's problems as `want` ([errors, warnings, infos]): the
   * one place that counts every file, also those the Problems panel does not render.
   */
  async waitForProblemCounts(want: [number, number, number], timeout = 60_000): Promise<void> {
    try {
      await this.page.waitForFunction(
        (w) => {
          const t = document.querySelector('[id="status.problems"]')?.textContent ?? '';
          return t.trim().split(/\s+/).map(Number).join(',') === w.join(',');
        },
        want,
        { timeout },
      );
    } catch (e) {
      const shown = await this.problemCounts().catch(() => []);
      const all = await this.problems().catch(() => []);
      throw new Error(
        `the status bar counts ${JSON.stringify(shown)} problems, not ${JSON.stringify(want)}, after ${timeout} ms; ` +
          `the panel shows:\n${all.map((p) => `  ${p.file}:${p.line} ${p.severity} ${p.code}`).join('\n')}`,
        { cause: e },
      );
    }
  }

  /** Opens a view by its name with quick open's `view ` prefix (e.g. "Problems", "Outline", a BrokerKit tree). */
  async showView(name: string): Promise<void> {
    await this.openQuickInput('Control+P');
    await this.pick(`view ${name}`, name);
  }

  /**
   * The rendered rows of the side-bar/panel view whose header title is `title` (expanded first if collapsed).
   * Waits until the view has at least `min` rows.
   */
  async treeRows(title: string, min = 1, timeout = 30_000): Promise<TreeRow[]> {
    const pane = this.page
      .locator('.pane')
      .filter({
        has: this.page.locator('.pane-header .title', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') }),
      })
      .first();
    await pane.waitFor({ state: 'visible', timeout });
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    await pane
      .locator('.monaco-list-row')
      .nth(Math.max(0, min - 1))
      .waitFor({ state: 'visible', timeout });
    return pane.evaluate((el) =>
      Array.from(el.querySelectorAll<HTMLElement>('.monaco-list-row'))
        .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
        .map((r) => ({
          label: (r.querySelector('.label-name')?.textContent ?? r.getAttribute('aria-label') ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
          level: Number(r.getAttribute('aria-level') ?? 1),
          expanded: r.hasAttribute('aria-expanded') ? r.getAttribute('aria-expanded') === 'true' : undefined,
          text: (r.textContent ?? '').trim(),
        })),
    );
  }

  /** The output panel's selected channel and its visible text. */
  async output(): Promise<{ channel: string; text: string }> {
    const view = this.page.locator('.pane-body.output-view').first();
    await view.waitFor({ state: 'visible' });
    const channel = await this.page
      .locator('.part.panel select.monaco-select-box')
      .first()
      .evaluate((s: HTMLSelectElement) => s.options[s.selectedIndex]?.text ?? '');
    const text = await view.evaluate((el) =>
      Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => l.textContent ?? '')
        .join('\n'),
    );
    return { channel, text };
  }

  /** Opens the quick-fix / code-action menu at the cursor (Ctrl+.) and returns the action titles (empty if none). */
  async codeActions(): Promise<string[]> {
    await this.page.keyboard.press('Control+.');
    const list = this.page.locator('.action-widget .monaco-list-row.action');
    const none = this.page.locator('.monaco-editor-overlaymessage', { hasText: /No code actions/i });
    await list.or(none).first().waitFor({ state: 'visible' });
    if (await none.isVisible()) {
      await this.page.keyboard.press('Escape');
      return [];
    }
    return list.evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()));
  }

  /**
   * Opens the code-action menu at the cursor and applies the action with this title. By default waits until the
   * active editor is modified (the edit arrived); pass waitForEdit: false for actions that edit other files or none.
   */
  async applyCodeAction(title: string | RegExp, { waitForEdit = true } = {}): Promise<void> {
    const titles = await this.codeActions();
    const want = typeof title === 'string' ? (t: string) => t === title : (t: string) => title.test(t);
    if (!titles.some(want)) throw new Error(`no code action ${title}; offered: ${JSON.stringify(titles)}`);
    // The keyboard, not the mouse: the menu puts a pointer-blocking layer over the page while it opens.
    const focusedLabel = () =>
      this.page.evaluate(
        () =>
          document.querySelector('.action-widget .monaco-list-row.action.focused')?.getAttribute('aria-label') ?? null,
      );
    for (let i = 0; i <= titles.length + 1; i++) {
      const label = await focusedLabel();
      if (label !== null && want(label)) {
        await this.page.keyboard.press('Enter');
        await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
        if (waitForEdit) await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'visible' });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
      await this.page.waitForFunction(
        (prev) =>
          (document.querySelector('.action-widget .monaco-list-row.action.focused')?.getAttribute('aria-label') ??
            null) !== prev,
        label,
      );
    }
    throw new Error(`could not focus code action ${title} in ${JSON.stringify(titles)}`);
  }

  /** Texts of the visible notification toasts. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast').allTextContents();
  }

  /** Saves the active editor (Ctrl+S) and waits for its tab to lose the dirty mark (then the file is on disk). */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ state: 'visible' });
  }

  /** Reads a workspace file from disk. */
  readFile(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  /** Closes the browser and stops code-server with all its children; keeps the logs of the user-data-dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch(() => undefined);
    await stopGroup(this.server.proc, this.server.exited);
    const logs = join(this.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(this.results, 'logs'), { recursive: true });
    if (!this.keep) rmSync(this.work, { recursive: true, force: true });
  }
}

/** Problems one per line, for a failure message. */
function listProblems(ps: Problem[]): string {
  return ps.map((p) => `  ${p.file}:${p.line}:${p.column} ${p.severity} ${p.code}: ${p.message}`).join('\n');
}

/**
 * Runs in the page: the Problems tree's rendered rows → problems. Three kinds of rows: a file (its icon label's
 * aria-label is the absolute path), a problem (.marker-message), and a related location under a problem.
 */
function readProblems(panel: Element): Problem[] {
  const rows = Array.from(panel.querySelectorAll<HTMLElement>('.monaco-list-row')).sort(
    (a, b) => Number(a.dataset.index) - Number(b.dataset.index),
  );
  const out: Problem[] = [];
  let file = '';
  const at = (r: Element) => /Ln (\d+), Col (\d+)/.exec(r.querySelector('.marker-line')?.textContent ?? '');
  for (const r of rows) {
    const fileLabel = r.querySelector('.resource-label-container .monaco-icon-label');
    if (fileLabel) {
      file = fileLabel.getAttribute('aria-label') || (r.querySelector('.label-name')?.textContent ?? '').trim();
      continue;
    }
    const related = r.querySelector('.related-info-resource');
    if (related) {
      const pos = at(r);
      out[out.length - 1]?.related.push({
        file: (related.textContent ?? '').trim(),
        line: pos ? Number(pos[1]) : 0,
        column: pos ? Number(pos[2]) : 0,
        message: (r.querySelector('.marker-description')?.textContent ?? '').trim(),
      });
      continue;
    }
    const msg = r.querySelector('.marker-message');
    if (!msg) continue;
    const icon = r.querySelector('.marker-icon')?.className ?? '';
    const pos = at(r);
    out.push({
      file,
      severity: /error/.test(icon)
        ? 'error'
        : /warning/.test(icon)
          ? 'warning'
          : /info/.test(icon)
            ? 'info'
            : 'unknown',
      message: (msg.textContent ?? '').trim(),
      source: (r.querySelector('.marker-source')?.textContent ?? '').trim(),
      code: (r.querySelector('.marker-code')?.textContent ?? '').trim(),
      line: pos ? Number(pos[1]) : 0,
      column: pos ? Number(pos[2]) : 0,
      related: [],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Test wrappers

/**
 * A node:test test with an editor: skips/fails per editorAvailable, launches, runs `fn`, and always closes. On failure
 * a `failure` screenshot is taken and the paths of the logs are added to the error.
 */
export function editorTest(
  name: string,
  options: Omit<EditorOptions, 'name'> | (() => Omit<EditorOptions, 'name'>),
  fn: (editor: Editor, t: TestContext) => Promise<void>,
  timeout = 240_000,
): void {
  test(name, { timeout }, async (t) => {
    if (!editorAvailable(t)) return;
    const editor = await launchEditor({ name, ...(typeof options === 'function' ? options() : options) });
    try {
      await fn(editor, t);
    } catch (e) {
      await editor.screenshot('failure').catch(() => undefined);
      const err = e as Error;
      const where = `\n(screenshots and logs: ${editor.results}${editor.console.length ? `; browser console:\n${editor.console.slice(-15).join('\n')}` : ''})`;
      err.message += where;
      if (err.stack) err.stack += where; // the reporter prints the stack, made before the message grew
      throw err;
    } finally {
      await editor.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Extension-host tests (code running inside VS Code's extension host, with the `vscode` API)

export interface ExtensionTestResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

/**
 * A development copy of the extension for extensionDevelopmentPath: the manifest, the bundles of this build
 * (BROKERKIT_DIST, with source maps) and the asset folders, in a folder under `work`.
 */
export function developmentExtension(work: string): string {
  const dev = join(work, 'dev-extension');
  mkdirSync(dev, { recursive: true });
  cpSync(join(REPO, 'package.json'), join(dev, 'package.json'));
  // Copies, not links: VS Code maps a module to its extension by the module's real path.
  cpSync(distDir(), join(dev, 'dist'), { recursive: true, dereference: true });
  for (const d of ['schemas', 'syntaxes', 'media'])
    if (existsSync(join(REPO, d))) cpSync(join(REPO, d), join(dev, d), { recursive: true });
  return dev;
}

/**
 * Runs `testsModule` (a built .js file that exports `run()`, see exthost/runner.ts) inside the extension host of a
 * fresh code-server with this build of BrokerKit loaded as a development extension. Resolves with the exit code
 * VS Code reports and the per-test results the runner wrote.
 */
export async function runExtensionTests(
  options: Omit<EditorOptions, 'extensionTestsPath' | 'extensionDevelopmentPath' | 'vsix'> & {
    testsModule: string;
    timeout?: number;
  },
): Promise<{ exitCode: number; results: ExtensionTestResult[]; editor: Editor }> {
  const staging = tempDir('bk-dev-');
  const resultsFile = join(staging, 'results.json');
  let editor: Editor | undefined;
  try {
    editor = await launchEditor({
      ...options,
      extensionDevelopmentPath: developmentExtension(staging),
      extensionTestsPath: resolve(options.testsModule),
      env: { ...options.env, BROKERKIT_EXTHOST_RESULTS: resultsFile },
    });
    const exitCode = await Promise.race([
      editor.automationExit!,
      new Promise<never>((_, rej) =>
        setTimeout(
          () => rej(new Error('extension-host tests did not finish in time')),
          options.timeout ?? 120_000,
        ).unref(),
      ),
    ]);
    const results = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as ExtensionTestResult[])
      : [];
    await editor.screenshot('end');
    return { exitCode, results, editor };
  } finally {
    await editor?.close();
    rmSync(staging, { recursive: true, force: true });
  }
}
