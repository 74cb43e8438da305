import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeSupergraph, createGateway, fetchSubgraphSdl } from '../../src/federation/gateway.js';
import { actionInput, record } from '../support/enforcement.js';
import { PartnerSubgraph } from '../support/partner-subgraph.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';
import { plan } from '../support/visits.js';

/**
 * A real gateway, offline and in this process: our subgraph and a partner's case system are composed with
 * @theguild/federation-composition and served by Hive Gateway, which forwards the caller's token unchanged. The
 * partner's fields sit beside ours; our access rules hold end to end.
 */
describe('federation through a gateway', () => {
  let t: TestApp;
  let partner: PartnerSubgraph;
  let gateway: GatewayRuntime;
  let supergraphFile: string;
  let ourUrl: string;
  let partnerUrl: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    const igjPlanner = await t.as('IGJ', [Role.PLANNER]);
    ids.amsterdam = await registerProvider(igjPlanner, { name: 'Zorg Amsterdam', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    ids.utrecht = await registerProvider(igjPlanner, { name: 'Zorg Utrecht', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0344')] });
    ids.unannounced = (await plan(igjPlanner, { providerIds: [ids.amsterdam], start: new Date('2026-12-16T09:00:00Z'), announced: false })).visit.id;
    ids.aanwijzing = (await record(await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]), actionInput(ids.amsterdam, { type: 'AANWIJZING', deadline: '2027-01-31' }))).id;

    await t.app.http.listen({ host: '127.0.0.1', port: 0 });
    ourUrl = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}/graphql`;
    partner = new PartnerSubgraph([
      { id: 'ZAAK-1', providerId: ids.amsterdam, visitId: ids.unannounced },
      { id: 'ZAAK-2', providerId: ids.utrecht },
      { id: 'ZAAK-3', providerId: ids.amsterdam },
      { id: 'ZAAK-4', providerId: '00000000-0000-7000-8000-00000000dead' }, // a provider that does not exist
    ]);
    partnerUrl = await partner.start();
    const supergraph = composeSupergraph([
      { name: 'samenloop', url: ourUrl, sdl: await fetchSubgraphSdl(ourUrl) },
      { name: 'zaaksysteem', url: partnerUrl, sdl: await fetchSubgraphSdl(partnerUrl) },
    ]);
    supergraphFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'samenloop-supergraph-')), 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraph);
    gateway = createGateway(supergraph);
  });
  afterAll(async () => {
    await gateway?.dispose();
    await partner?.stop();
    await t?.close();
  });

  async function viaGateway(query: string, token?: string, variables?: Record<string, unknown>) {
    const response = await gateway.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  }
  const token = async (org: string, roles: Role[]) => (await t.as(org, roles)).token!;

  it('composes: the supergraph holds our entities with their keys, and the partner’s fields beside them', () => {
    const supergraph = readFileSync(supergraphFile, 'utf8');
    for (const [type, key] of [
      ['Organisation', 'code'],
      ['Provider', 'id'],
      ['Visit', 'id'],
      ['Signal', 'id'],
      ['EnforcementAction', 'id'],
    ]) {
      expect(supergraph, type).toMatch(new RegExp(`type ${type}[^{]*@join__type\\(graph: SAMENLOOP, key: "${key}"\\)`));
    }
    expect(supergraph).toMatch(/type Provider[^{]*@join__type\(graph: ZAAKSYSTEEM, key: "id"\)/);
    expect(supergraph).toMatch(/openCases: Int! @join__field\(graph: ZAAKSYSTEEM\)/);
  });

  it('docs/federation.md shows lines of this very supergraph', () => {
    const supergraph = readFileSync(supergraphFile, 'utf8').split('\n').map((line) => line.trim());
    const excerpt = /<!-- BEGIN SUPERGRAPH EXCERPT -->\s*```graphql\n([\s\S]*?)```/.exec(readFileSync('docs/federation.md', 'utf8'))![1]!;
    const lines = excerpt.split('\n').map((line) => line.trim()).filter((line) => line && line !== '}');
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) expect(supergraph, line).toContain(line);
  });

  it('a visible provider: our data and the partner’s in one request', async () => {
    const igj = await token('IGJ', [Role.PLANNER]);
    const result = await viaGateway(`query($id: ID!) { provider(id: $id) { name locations { municipalityCode } openCases } }`, igj, { id: ids.amsterdam });
    expect(result).toEqual({ data: { provider: { name: 'Zorg Amsterdam', locations: [{ municipalityCode: 'GM0363' }], openCases: 2 } } });
  });

  it('from the partner’s side: an invisible provider resolves to null, a visible one to data — for a municipality, its territory', async () => {
    const amsterdam = await token('GM0363', [Role.PLANNER]);
    const result = await viaGateway(`{ cases { id provider { id name } } }`, amsterdam);
    const byCase = Object.fromEntries(result.data.cases.map((entry: any) => [entry.id, entry.provider]));
    expect(byCase['ZAAK-1']).toEqual({ id: ids.amsterdam, name: 'Zorg Amsterdam' });
    expect(byCase['ZAAK-3']).toEqual({ id: ids.amsterdam, name: 'Zorg Amsterdam' });
    expect(byCase['ZAAK-2']).toBeNull(); // in Utrecht: outside Amsterdam's territory, as if it did not exist
    expect(byCase['ZAAK-4']).toBeNull();
    // The gateway reports a null entity with an error at its first non-null field: the same for the invisible
    // provider (case 2) as for the one that does not exist (case 4).
    const errorAt = (index: number) =>
      (result.errors ?? []).filter((error: any) => error.path?.[1] === index).map((error: any) => ({ message: error.message, code: error.extensions?.code, path: error.path.slice(2) }));
    expect(errorAt(1).length).toBeGreaterThan(0);
    expect(errorAt(1)).toEqual(errorAt(3));
  });

  it('an unannounced visit read through the partner’s case shows only its week to who is not lead or participant', async () => {
    const query = `{ cases { id visit { id window { start end precision } themes inspectionReport { summary } } } }`;
    const nza = await viaGateway(query, await token('NZA', [Role.PLANNER]));
    const visit = nza.data.cases.find((entry: any) => entry.id === 'ZAAK-1').visit;
    expect(visit).toMatchObject({ id: ids.unannounced, themes: [], window: { precision: 'WEEK', start: '2026-12-13T23:00:00.000Z' } });
    expect(visit.inspectionReport.summary).toContain(ids.unannounced.slice(0, 8));
    const igj = await viaGateway(query, await token('IGJ', [Role.PLANNER]));
    expect(igj.data.cases.find((entry: any) => entry.id === 'ZAAK-1').visit.window).toMatchObject({ precision: 'EXACT', start: '2026-12-16T09:00:00.000Z' });
  });

  it('the token’s organisation holds end to end, and the gateway forwards the token unchanged', async () => {
    const gm = await token('GM0363', [Role.PLANNER]);
    const before = partner.requests.length;
    expect((await viaGateway(`{ me { organisation { code } } cases { id } }`, gm)).data.me).toEqual({ organisation: { code: 'GM0363' } });
    expect(partner.requests.slice(before).map((request) => request.authorization)).toContain(`Bearer ${gm}`);
  });

  it('no trusted-gateway shortcut: a token our subgraph does not accept is refused through the gateway too', async () => {
    const forged = `${(await token('IGJ', [Role.PLANNER])).slice(0, -4)}AAAA`;
    const result = await viaGateway(`query($id: ID!) { provider(id: $id) { name } }`, forged, { id: ids.amsterdam });
    expect(result.data?.provider ?? null).toBeNull();
    expect(JSON.stringify(result.errors)).toMatch(/UNAUTHENTICATED|access token was rejected/);
  });

  it('without a token: only public data — published measures, no providers behind the partner’s cases', async () => {
    const published = await viaGateway(`{ publicEnforcementActions { edges { node { id type provider { name openCases } } } } }`);
    expect(published.data.publicEnforcementActions.edges).toEqual([{ node: { id: ids.aanwijzing, type: 'AANWIJZING', provider: { name: 'Zorg Amsterdam', openCases: 2 } } }]);
    const cases = await viaGateway(`{ cases { id provider { name } } }`);
    expect(cases.data.cases.map((entry: any) => entry.provider)).toEqual([null, null, null, null]);
    expect((await viaGateway(`query($id: ID!) { provider(id: $id) { name } }`, undefined, { id: ids.amsterdam })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('npm run gateway composes the running subgraphs and serves them with one command', async () => {
    const out = path.join(path.dirname(supergraphFile), 'from-cli.graphql');
    const child = spawn('npm', ['run', '-s', 'gateway', '--', '--subgraph', `samenloop=${ourUrl}`, '--subgraph', `zaaksysteem=${partnerUrl}`, '--port', '0', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no gateway after 60 s: ${output}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const ready = /Gateway ready at (http:\/\/\S+\/graphql)/.exec(output);
          if (ready) {
            clearTimeout(timer);
            resolve(ready[1]!);
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${output}`)));
      });
      const igj = await token('IGJ', [Role.PLANNER]);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${igj}` },
        body: JSON.stringify({ query: `{ me { organisation { code } } cases { id provider { name openCases } } }` }),
      });
      const body = (await response.json()) as any;
      expect(body.data.me).toEqual({ organisation: { code: 'IGJ' } });
      expect(body.data.cases[0]).toEqual({ id: 'ZAAK-1', provider: { name: 'Zorg Amsterdam', openCases: 2 } });
      expect(readFileSync(out, 'utf8')).toContain('@join__graph(name: "zaaksysteem"');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  });
});
