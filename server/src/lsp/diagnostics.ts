// Diagnostics: open documents feed the engine; every validation publishes the findings of each file.
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { Finding } from '../engine';
import type { ServerContext } from './server';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

export function toDiagnostic(f: Finding): Diagnostic {
  return {
    range: f.range, severity: SEVERITY[f.severity], code: f.code, source: 'brokerkit', message: f.message,
    relatedInformation: f.related.filter((r) => r.uri && r.range).map((r) => ({ location: { uri: r.uri!, range: r.range! }, message: r.message })),
    data: f.data,
  };
}

export function register(ctx: ServerContext): void {
  const publish = () => {
    const results = ctx.workspace.validate();
    for (const [uri, findings] of results) ctx.connection.sendDiagnostics({ uri, diagnostics: findings.map(toDiagnostic) });
  };
  ctx.documents.onDidChangeContent((e: { document: { uri: string; getText(): string } }) => { ctx.workspace.setFile(e.document.uri, e.document.getText()); publish(); });
}
