// The compose files a deploy starts from: docker-compose (Debian's 1.29, which
// .ci/run installs) must accept each as it would before `up`, and the cluster
// one must put every box office container on the six-node cluster.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

/** What docker-compose makes of a file: validated, variables filled in, anchors resolved. */
function composeConfig(file: string): { services: Record<string, ComposeService> } {
  return parse(execFileSync('docker-compose', ['-f', file, 'config'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as { services: Record<string, ComposeService> };
}

describe('docker compose files', () => {
  it('docker-compose.yml: Redis, one web and one worker container', () => {
    expect(Object.keys(composeConfig('docker-compose.yml').services).sort()).toEqual(['redis', 'web', 'worker']);
  });

  it('docker-compose.cluster.yml: six Redis nodes joined once, two web and two worker containers on them', () => {
    const { services } = composeConfig('docker-compose.cluster.yml');
    const nodes = Object.keys(services).filter((name) => /^redis-\d$/.test(name));
    expect(nodes).toHaveLength(6);
    for (const node of nodes) expect(services[node]!.command).toEqual(expect.arrayContaining(['--cluster-enabled', 'yes', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    const app = Object.entries(services).filter(([, service]) => service.command?.[0] === 'bin/box-office');
    expect(app.map(([, service]) => service.command![1]).sort()).toEqual(['web', 'web', 'worker', 'worker']);
    for (const [, service] of app) {
      expect(service.environment!.REDIS_CLUSTER_NODES!.split(',')).toEqual(nodes.map((node) => `${node}:6379`));
      expect(service.environment!.REDIS_URL).toBeUndefined();
      expect(service.depends_on!['redis-cluster-create']!.condition).toBe('service_completed_successfully');
    }
  });
});
