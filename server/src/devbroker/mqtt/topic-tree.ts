// Topic tries: one for subscriptions (a PUBLISH visits only the branches its topic can match, not every filter) and
// one for retained messages (a SUBSCRIBE visits only the topics its filter can match, not every retained message).
// MQTT 5 §4.7: `+` matches one level, `#` the rest including none; a topic starting with `$` is not matched by a
// wildcard in the first level.
import type { Message } from './types';
import type { Subscription } from './session';

const DOLLAR = 36;

/** Members of one shared subscription (`$share/<group>/<filter>`), served round-robin. */
export interface ShareGroup {
  group: string;
  filter: string;
  members: Subscription[];
  next: number;
}

class SubNode {
  children = new Map<string, SubNode>();
  plain = new Set<Subscription>();
  shares: Map<string, ShareGroup> | undefined;
  empty(): boolean {
    return this.children.size === 0 && this.plain.size === 0 && !this.shares?.size;
  }
}

/** Every subscription of the broker, plain and shared, keyed by its topic filter's levels. */
export class SubscriptionIndex {
  private root = new SubNode();

  add(sub: Subscription): void {
    let n = this.root;
    for (const level of sub.levels) {
      let c = n.children.get(level);
      if (!c) n.children.set(level, (c = new SubNode()));
      n = c;
    }
    if (sub.share === undefined) {
      n.plain.add(sub);
      return;
    }
    n.shares ??= new Map();
    let g = n.shares.get(sub.share);
    if (!g) n.shares.set(sub.share, (g = { group: sub.share, filter: sub.topicFilter, members: [], next: 0 }));
    g.members.push(sub);
  }

  remove(sub: Subscription): void {
    const path: SubNode[] = [this.root];
    let n: SubNode | undefined = this.root;
    for (const level of sub.levels) {
      n = n.children.get(level);
      if (!n) return;
      path.push(n);
    }
    if (sub.share === undefined) n.plain.delete(sub);
    else {
      const g = n.shares?.get(sub.share);
      if (g) {
        const i = g.members.indexOf(sub);
        if (i >= 0) {
          g.members.splice(i, 1);
          if (g.next > i) g.next--;
        }
        if (g.members.length === 0) n.shares!.delete(sub.share);
      }
    }
    // Prune the branch back to the first node still in use.
    for (let i = path.length - 1; i > 0 && path[i].empty(); i--) path[i - 1].children.delete(sub.levels[i - 1]);
  }

  /** Calls `plain` for every plain subscription and `shared` for every share group whose filter matches `topic`. */
  match(topic: string, plain: (s: Subscription) => void, shared: (g: ShareGroup) => void): void {
    const levels = topic.split('/');
    const dollar = topic.charCodeAt(0) === DOLLAR;
    const visit = (n: SubNode) => {
      for (const s of n.plain) plain(s);
      if (n.shares) for (const g of n.shares.values()) shared(g);
    };
    const walk = (n: SubNode, i: number) => {
      const wildOk = !(i === 0 && dollar);
      if (wildOk) {
        const hash = n.children.get('#');
        if (hash) visit(hash);
      }
      if (i === levels.length) {
        visit(n);
        return;
      }
      const exact = n.children.get(levels[i]);
      if (exact) walk(exact, i + 1);
      if (wildOk) {
        const plus = n.children.get('+');
        if (plus) walk(plus, i + 1);
      }
    };
    walk(this.root, 0);
  }
}

class RetainedNode {
  children = new Map<string, RetainedNode>();
  msg: Message | undefined;
}

/** Retained messages by topic, with their count and bytes for the broker's caps. */
export class RetainedStore {
  private root = new RetainedNode();
  count = 0;
  bytes = 0;

  static cost(m: Message): number {
    return m.payload.length + m.topic.length;
  }

  get(topic: string): Message | undefined {
    let n: RetainedNode | undefined = this.root;
    for (const level of topic.split('/')) {
      n = n.children.get(level);
      if (!n) return undefined;
    }
    return n.msg;
  }

  /** Stores `m` as the retained message of its topic; returns the message it replaced. */
  set(m: Message): Message | undefined {
    let n = this.root;
    for (const level of m.topic.split('/')) {
      let c = n.children.get(level);
      if (!c) n.children.set(level, (c = new RetainedNode()));
      n = c;
    }
    const old = n.msg;
    if (old) {
      this.bytes -= RetainedStore.cost(old);
      this.count--;
    }
    n.msg = m;
    this.count++;
    this.bytes += RetainedStore.cost(m);
    return old;
  }

  delete(topic: string): Message | undefined {
    const levels = topic.split('/');
    const path: RetainedNode[] = [this.root];
    let n: RetainedNode | undefined = this.root;
    for (const level of levels) {
      n = n.children.get(level);
      if (!n) return undefined;
      path.push(n);
    }
    const old = n.msg;
    if (!old) return undefined;
    n.msg = undefined;
    this.count--;
    this.bytes -= RetainedStore.cost(old);
    for (let i = path.length - 1; i > 0 && !path[i].msg && path[i].children.size === 0; i--)
      path[i - 1].children.delete(levels[i - 1]);
    return old;
  }

  /** The topics of the retained messages that `filterLevels` matches (names only: the messages are read when sent). */
  topics(filterLevels: string[]): string[] {
    const out: string[] = [];
    const below = (n: RetainedNode, top: boolean) => {
      for (const [level, c] of n.children) {
        if (top && level.charCodeAt(0) === DOLLAR) continue;
        if (c.msg) out.push(c.msg.topic);
        below(c, false);
      }
    };
    const walk = (n: RetainedNode, i: number) => {
      const f = filterLevels[i];
      if (f === '#') {
        // `a/#` matches `a` itself too; at the top level `#` matches no `$` topic.
        if (i > 0 && n.msg) out.push(n.msg.topic);
        below(n, i === 0);
        return;
      }
      if (i === filterLevels.length) {
        if (n.msg) out.push(n.msg.topic);
        return;
      }
      if (f === '+') {
        for (const [level, c] of n.children) {
          if (i === 0 && level.charCodeAt(0) === DOLLAR) continue;
          walk(c, i + 1);
        }
        return;
      }
      const c = n.children.get(f);
      if (c) walk(c, i + 1);
    };
    walk(this.root, 0);
    return out;
  }
}
