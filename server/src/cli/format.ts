// Output formats of `brokerkit check`: text, JSON (1-based lines and columns), SARIF 2.1.0 with real regions.
import * as path from 'node:path';
import type { Finding } from '../engine';
import { allRules, engineCodes, sourceLabel } from '../engine';
import { PROJECT_URL, rulePageText, rulePageWebUrl } from '../rule-docs';
import { STDIN_NAME, STDIN_URI, fromUri } from './files';

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
  related: { file: string; line: number; column: number; message: string }[];
  /** For a finding about relations between objects: the deployment (files applied together) it was judged in. */
  deployment?: string;
}

function rel(uri: string, cwd: string): string {
  if (uri === STDIN_URI) return STDIN_NAME;
  const f = fromUri(uri);
  const r = path.relative(cwd, f);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : f;
}

export function toJson(findings: Finding[], cwd: string): JsonFinding[] {
  return findings.map((f) => ({
    file: rel(f.uri, cwd),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
    related: f.related
      .filter((r) => r.uri && r.range)
      .map((r) => ({
        file: rel(r.uri!, cwd),
        line: r.range!.start.line + 1,
        column: r.range!.start.character + 1,
        message: r.message,
      })),
    ...(f.deployment !== undefined ? { deployment: f.deployment } : {}),
  }));
}

export function toText(findings: Finding[], cwd: string): string {
  const lines = toJson(findings, cwd).map((f) => {
    const head = `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`;
    const related = f.related.map((r) => `    ${r.file}:${r.line}:${r.column}: related: ${r.message}`);
    if (f.deployment !== undefined) related.push(`    deployment: ${f.deployment}`);
    return [head, ...related].join('\n');
  });
  return lines.join('\n');
}

/**
 * The last line of a text run: how many files were checked and how many not (with why), then the findings, e.g.
 * `3 files: 2 checked, 1 not checked (1 Helm template): 1 error, 0 warnings, 1 note.`
 */
export function summary(
  findings: Finding[],
  files: number,
  notChecked: { label: string; labels?: string }[] = [],
): string {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  const reasons = new Map<string, { k: number; labels: string }>();
  for (const r of notChecked) {
    const seen = reasons.get(r.label);
    if (seen) seen.k++;
    else reasons.set(r.label, { k: 1, labels: r.labels ?? r.label });
  }
  const why = [...reasons].map(([label, { k, labels }]) => `${k} ${k === 1 ? label : labels}`).join(', ');
  const head = `${n(files, 'file')}: ${files - notChecked.length} checked, ${notChecked.length} not checked${why ? ` (${why})` : ''}`;
  return `${head}: ${n(count('error'), 'error')}, ${n(count('warning'), 'warning')}, ${n(count('info') + count('hint'), 'note')}.`;
}

const SARIF_LEVEL: Record<Finding['severity'], string> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

export function toSarif(findings: Finding[], cwd: string, version: string): unknown {
  const metas = [...engineCodes, ...allRules];
  const ruleIndex = new Map(metas.map((m, i) => [m.code, i]));
  const region = (r: Finding['range']) => ({
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  const loc = (uri: string, range: Finding['range']) => ({
    physicalLocation: {
      artifactLocation: { uri: rel(uri, cwd).split(path.sep).join('/'), uriBaseId: '%SRCROOT%' },
      region: region(range),
    },
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'brokerkit',
            version,
            informationUri: PROJECT_URL,
            rules: metas.map((m) => ({
              id: m.code,
              name: m.code,
              shortDescription: { text: m.title },
              helpUri: rulePageWebUrl(m.code),
              help: {
                text: `${m.title}\nSources: ${m.sources.map((u) => `${sourceLabel(u)} <${u}>`).join('; ')}`,
                markdown: rulePageText(m.code) ?? `${m.title}\n\n[${m.code}](${rulePageWebUrl(m.code)})`,
              },
              defaultConfiguration: { level: SARIF_LEVEL[m.severity] },
              properties: { sources: m.sources },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToDirUri(cwd) } },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code) ?? -1,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [loc(f.uri, f.range)],
          relatedLocations: f.related
            .filter((r) => r.uri && r.range)
            .map((r, i) => ({ id: i, ...loc(r.uri!, r.range!), message: { text: r.message } })),
          ...(f.deployment !== undefined ? { properties: { deployment: f.deployment } } : {}),
        })),
      },
    ],
  };
}

function pathToDirUri(dir: string): string {
  const u = require('node:url').pathToFileURL(dir).href as string;
  return u.endsWith('/') ? u : u + '/';
}
