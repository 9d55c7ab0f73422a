// Quick fixes. This file matches the diagnostics of a request to the engine's current findings and asks every fix
// (one file each, fix-*.ts) what it offers; a fix returns ready WorkspaceEdits.
import { CodeAction, CodeActionKind, Diagnostic, Range, WorkspaceEdit } from 'vscode-languageserver';
import type { Finding } from '../engine';
import { freshFindings, setLiveScheme, toDiagnostic } from './diagnostics';
import { Fix, FixContext, keepLineEndings, lineEndingOf } from './fix-util';
import type { ServerContext } from './context';
import { chunkAt, resourceOf } from './yaml-nav';
import * as replace from './fix-replace';
import * as portConflict from './fix-port-conflict';
import * as serviceType from './fix-service-type';
import * as workloadLabel from './fix-workload-label';
import * as missingIssuer from './fix-missing-issuer';
import * as insecurePort from './fix-insecure-port';
import * as ignore from './fix-ignore';
import * as openLive from './fix-open-live';

/** Fixes, most specific first; the generic replacement and "ignore" come last. */
const fixes: Fix[] = [portConflict, serviceType, workloadLabel, missingIssuer, insecurePort, replace, openLive, ignore];

export function register(ctx: ServerContext): void {
  // A client with read-only documents of live objects (the VS Code extension) says so; findings then link to them.
  const init = ctx.initParams?.initializationOptions as { liveDocuments?: unknown } | undefined;
  setLiveScheme(typeof init?.liveDocuments === 'string' ? init.liveDocuments : undefined);
  // The same client applies edits of files that are not open without saving them (brokerkit.applyEditUnsaved).
  const liveClient = typeof init?.liveDocuments === 'string';
  ctx.capabilities.codeActionProvider = { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false };
  const ops = ctx.initParams?.capabilities.workspace?.workspaceEdit?.resourceOperations ?? [];
  const canCreateFiles =
    ops.includes('create') && !!ctx.initParams?.capabilities.workspace?.workspaceEdit?.documentChanges;

  ctx.connection.onCodeAction((params, token) => {
    try {
      const uri = params.textDocument.uri;
      const findings = freshFindings(ctx, uri);
      if (token.isCancellationRequested || findings.length === 0) return [];
      const file = ctx.workspace.getFile(uri);
      if (!file) return [];
      const wanted = params.context.only;
      if (
        wanted &&
        !wanted.some(
          (k) =>
            k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k + '.') || k === CodeActionKind.Empty,
        )
      )
        return [];
      const selected = select(findings, params.range, params.context.diagnostics);
      const index = ctx.workspace.indexFor(uri);
      const out: CodeAction[] = [];
      for (const finding of selected) {
        const chunk = chunkAt(file, finding.range.start.line, finding.range.start.character);
        if (!chunk) continue;
        const f: FixContext = {
          ctx,
          uri,
          finding,
          diagnostic: toDiagnostic(finding),
          file,
          chunk,
          resource: resourceOf(file, chunk),
          index,
          canCreateFiles,
        };
        for (const fix of fixes) {
          try {
            const actions = fix.fix(f);
            if (!actions) continue;
            const eol = lineEndingOf(file.text);
            const eolOf = (u: string) => {
              const t = ctx.workspace.getFile(u)?.text;
              return t === undefined ? undefined : lineEndingOf(t);
            };
            for (const a of actions) keepLineEndings(a, eolOf, eol);
            out.push(...actions);
          } catch (e) {
            ctx.log('error', `quick fix for ${finding.code} failed: ${(e as Error).stack ?? e}`);
          }
        }
      }
      return liveClient ? out.map((a) => unsavedWhereClosed(ctx, a)) : out;
    } catch (e) {
      ctx.log('error', `code actions failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) =>
    p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** The findings the request is about: those the client listed (matched by code and range), else those under the range. */
function select(findings: Finding[], range: Range, diagnostics: Diagnostic[]): Finding[] {
  const ours = diagnostics.filter((d) => d.source === 'brokerkit' || d.source === undefined);
  if (ours.length) {
    const out: Finding[] = [];
    for (const d of ours) {
      const f =
        findings.find((x) => x.code === d.code && sameRange(x.range, d.range)) ??
        findings.find((x) => x.code === d.code && x.range.start.line === d.range.start.line);
      if (f && !out.includes(f)) out.push(f);
    }
    if (out.length) return out;
  }
  return findings.filter((f) => overlaps(f.range, range));
}

/** The URIs a workspace edit changes or creates. */
function touched(edit: WorkspaceEdit): string[] {
  const out = Object.keys(edit.changes ?? {});
  for (const c of edit.documentChanges ?? []) {
    if ('textDocument' in c) out.push(c.textDocument.uri);
    else if ('uri' in c) out.push(c.uri);
    else if ('newUri' in c) out.push(c.oldUri, c.newUri);
  }
  return out;
}

/**
 * An action that edits files not open in the editor goes through the client's brokerkit.applyEditUnsaved command:
 * applied as an edit (not a refactoring), the files stay unsaved in editors instead of being saved behind the user's
 * back (VS Code saves a refactoring's closed files by default).
 */
function unsavedWhereClosed(ctx: ServerContext, a: CodeAction): CodeAction {
  if (!a.edit || a.command) return a;
  if (touched(a.edit).every((u) => ctx.store.isOpen(u))) return a;
  const { edit, ...rest } = a;
  return { ...rest, command: { title: a.title, command: 'brokerkit.applyEditUnsaved', arguments: [edit] } };
}
