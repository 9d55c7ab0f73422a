// MQTT topic names and filters (MQTT 3.1.1 §4.7, MQTT 5 §4.7, §4.8.2 shared subscriptions).

export function validTopicName(t: string): boolean {
  return t.length > 0 && t.length <= 65535 && !/[+#\0]/.test(t);
}

export function validFilter(f: string): boolean {
  if (f.length === 0 || f.length > 65535 || f.includes('\0')) return false;
  const levels = f.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return false;
    if (l.includes('+') && l !== '+') return false;
  }
  return true;
}

export interface ShareSpec {
  group: string;
  filter: string;
}

/** `$share/<group>/<filter>` → its parts; `undefined` for a plain filter; `null` for a malformed share. */
export function parseShare(f: string): ShareSpec | undefined | null {
  if (!f.startsWith('$share/')) return undefined;
  const rest = f.slice(7);
  const i = rest.indexOf('/');
  if (i <= 0) return null;
  const group = rest.slice(0, i),
    filter = rest.slice(i + 1);
  if (/[+#]/.test(group) || !validFilter(filter)) return null;
  return { group, filter };
}

/** Does `filterLevels` (a split filter) match the topic's levels? `$` topics are not matched by a leading wildcard. */
export function matchLevels(filterLevels: string[], topicLevels: string[]): boolean {
  const fl = filterLevels.length;
  if (topicLevels[0].charCodeAt(0) === 36 /* $ */ && (filterLevels[0] === '+' || filterLevels[0] === '#')) return false;
  for (let i = 0; i < fl; i++) {
    const f = filterLevels[i];
    if (f === '#') return true;
    if (i >= topicLevels.length) return false;
    if (f !== '+' && f !== topicLevels[i]) return false;
  }
  return fl === topicLevels.length;
}

export function matches(filter: string, topic: string): boolean {
  return matchLevels(filter.split('/'), topic.split('/'));
}

/** True when every topic that `requested` can match is also matched by `allowed` (for subscribe authorization). */
export function covers(allowed: string, requested: string): boolean {
  const a = allowed.split('/'),
    r = requested.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return !(i === 0 && r[0].startsWith('$') && !a[0].startsWith('$'));
    if (i >= r.length) return false;
    if (r[i] === '#') return false;
    if (a[i] === '+') {
      if (i === 0 && r[0].startsWith('$')) return false;
      continue;
    }
    if (r[i] === '+' || a[i] !== r[i]) return false;
  }
  return a.length === r.length;
}
