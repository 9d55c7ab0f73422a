// Rule pages in the editor. docs/rules/<code>.md ships inside the extension; a rule code's link (in the Problems
// panel, the editor's problem hover, and the hover of a `# brokerkit-ignore` comment) opens that page in VS Code's
// Markdown preview, offline. The language server links the page as a file URL (right for any LSP editor); here it
// becomes a command link, because a file link opens the Markdown source as plain text, and in a browser-based
// VS Code a file URL names a file on the wrong machine.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import type { Host } from './host';

export const SHOW_RULE_PAGE = 'brokerkit.showRulePage';

const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A link to a rule page as the language server writes it: a file URL ending in docs/rules/<code>.md. */
const PAGE_LINK = /\]\((file:[^)\s]*\/docs\/rules\/([a-z0-9-]+)\.md)\)/g;

/** The command link that opens the page of `code` in the Markdown preview. */
export function rulePageCommandUri(code: string): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_RULE_PAGE}?${encodeURIComponent(JSON.stringify([code]))}`);
}

export class RulePages {
  private codes: Set<string> | undefined;

  constructor(private readonly ctx: Host) {}

  private get folder(): vscode.Uri {
    return vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'docs', 'rules');
  }

  /** The codes whose page ships with the extension (read once). */
  async shipped(): Promise<Set<string>> {
    if (!this.codes) {
      try {
        const entries = await vscode.workspace.fs.readDirectory(this.folder);
        this.codes = new Set(
          entries
            .filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.md'))
            .map(([n]) => n.slice(0, -3))
            .filter((c) => CODE.test(c)),
        );
      } catch (e) {
        this.ctx.log.warn(`No rule pages in the extension (${this.folder.toString()}): ${(e as Error).message}`);
        this.codes = new Set();
      }
    }
    return this.codes;
  }

  /** Opens the page of `code` (asks for a code when none is given) in the Markdown preview. */
  async show(code?: unknown): Promise<void> {
    const codes = await this.shipped();
    let chosen = typeof code === 'string' ? code : undefined;
    if (chosen === undefined) {
      chosen = await vscode.window.showQuickPick([...codes].sort(), { placeHolder: 'The rule whose page to open' });
      if (!chosen) return;
    }
    if (!codes.has(chosen)) {
      void vscode.window.showWarningMessage(`BrokerKit has no rule '${chosen}'.`);
      return;
    }
    const page = vscode.Uri.joinPath(this.folder, `${chosen}.md`);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', page);
    } catch (e) {
      // The built-in Markdown extension is disabled: the page as text is still the page.
      this.ctx.log.info(`Markdown preview unavailable (${(e as Error).message}); opening ${chosen}.md as text.`);
      await vscode.window.showTextDocument(page, { preview: true });
    }
  }

  /** Language-client middleware: rule-code links of diagnostics and hovers become command links to the page. */
  middleware(): Middleware {
    return {
      handleDiagnostics: (uri, diagnostics, next) => {
        const codes = this.codes;
        if (codes) {
          for (const d of diagnostics) {
            const c = d.code;
            if (typeof c === 'object' && c !== null && codes.has(String(c.value)))
              d.code = { value: c.value, target: rulePageCommandUri(String(c.value)) };
          }
        }
        next(uri, diagnostics);
      },
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        const codes = this.codes;
        if (!hover || !codes) return hover;
        const contents = hover.contents.map((m) => {
          if (!(m instanceof vscode.MarkdownString) || !m.value.includes('/docs/rules/')) return m;
          let changed = false;
          const value = m.value.replace(PAGE_LINK, (all, _href: string, code: string) => {
            if (!codes.has(code)) return all;
            changed = true;
            return `](${rulePageCommandUri(code).toString()})`;
          });
          if (!changed) return m;
          const md = new vscode.MarkdownString(value, m.supportThemeIcons);
          md.supportHtml = m.supportHtml;
          md.isTrusted = { enabledCommands: [SHOW_RULE_PAGE] };
          return md;
        });
        return new vscode.Hover(contents, hover.range);
      },
    };
  }
}
