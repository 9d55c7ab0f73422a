// Cluster facts for `check --kubeconfig`. The Kubernetes module provides them; until it exists this says so.
import type { Facts } from '../engine';

export async function loadClusterFacts(_kubeconfig: string, _context?: string): Promise<Facts> {
  throw new Error('--kubeconfig is not available in this build');
}
