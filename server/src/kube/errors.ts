// Cluster failures are states with a reason and a fix, never exceptions that reach the user as stack traces.

export type KubeErrorKind =
  | 'config' // no kubeconfig, unknown context, unreadable file
  | 'unreachable' // connection refused, DNS, TLS handshake
  | 'timeout' // the server did not answer in time
  | 'signin' // an exec credential plugin waits for an interactive sign-in or failed
  | 'unauthorized' // 401
  | 'forbidden' // 403 for one resource
  | 'missing' // 404 of a whole API group or resource type (e.g. AIO not installed)
  | 'gone' // 410: the watch must re-list
  | 'server'; // anything else from the API server

export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
  }
  toJSON() {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.status ? { status: this.status } : {}),
    };
  }
}

/** True for an error that only says "we stopped this request on purpose" (stop(), a superseded request). */
export function isAbort(e: unknown): boolean {
  const err = e as { name?: string; code?: string; message?: string } | undefined;
  return (
    !!err &&
    (err.name === 'AbortError' ||
      err.code === 'ABORT_ERR' ||
      /aborted a request|The operation was aborted/i.test(err.message ?? ''))
  );
}

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
]);

/** Turns a network-level error into a KubeError. */
export function fromNetworkError(e: unknown, server: string): KubeError {
  if (e instanceof KubeError) return e;
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  if (NET_CODES.has(code)) {
    return new KubeError(
      'unreachable',
      `cannot reach the cluster at ${server} (${code})`,
      'Check that the cluster is running and that the kubeconfig server address, VPN or proxy are right.',
    );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(code) || /certificate/i.test(err?.message ?? '')) {
    return new KubeError(
      'unreachable',
      `TLS with ${server} failed: ${err?.message ?? code}`,
      'The kubeconfig certificate-authority does not match the server certificate.',
    );
  }
  return new KubeError('unreachable', `request to ${server} failed: ${err?.message ?? String(e)}`);
}

/** Turns a non-2xx answer (its Status body when there is one) into a KubeError. */
export function fromStatus(
  status: number,
  body: string,
  what: { verb: string; resource: string; namespace?: string },
): KubeError {
  let message = '';
  try {
    const s = JSON.parse(body);
    if (s && s.kind === 'Status' && typeof s.message === 'string') message = s.message;
  } catch {
    /* not JSON */
  }
  const where = what.namespace ? ` in ${what.namespace}` : ' in all namespaces';
  if (status === 401) {
    return new KubeError(
      'unauthorized',
      `the cluster refused the credentials (401 Unauthorized)${message && message !== 'Unauthorized' ? `: ${message}` : ''}`,
      'Sign in again or refresh the token in your kubeconfig (for AKS: az aks get-credentials, then kubelogin convert-kubeconfig).',
      401,
    );
  }
  if (status === 403) {
    return new KubeError(
      'forbidden',
      `no permission to ${what.verb} ${what.resource}${where}`,
      `Ask a cluster admin for a Role allowing '${what.verb}' on '${what.resource}'${what.namespace ? ` in '${what.namespace}'` : ''}. The API server said: ${message || 'Forbidden'}`,
      403,
    );
  }
  if (status === 404)
    return new KubeError('missing', message || `${what.resource} is not served by this cluster`, undefined, 404);
  if (status === 410) return new KubeError('gone', message || 'resource version too old', undefined, 410);
  return new KubeError(
    'server',
    `the API server answered ${status}${message ? `: ${message}` : ''}`,
    undefined,
    status,
  );
}
