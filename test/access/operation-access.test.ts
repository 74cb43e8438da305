import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderGeneratedBlocks } from '../../src/access/authorization-doc.js';
import { operationAccess } from '../../src/access/operation-access.js';
import { buildGraphQLSchema } from '../../src/schema.js';

/**
 * Every root operation and what it requires. A change to this list is a change of who may do what: it must be
 * deliberate, reviewed, and reflected in docs/authorization.md (npm run docs:emit).
 */
const EXPECTED = {
  'query.auditEvents': 'audit.read',
  'query.me': 'authenticated',
  'query.organisations': 'organisation.list',
  'query.provider': 'provider.read',
  'query.providers': 'provider.read',
  'query.visit': 'visit.read',
  'query.visits': 'visit.read',
  'query.visitConflicts': 'visit.plan',
  'query.supervisoryLoad': 'visit.read',
  'query.coordinationProposals': 'visit.read',
  'query.signal': 'signal.read',
  'query.signals': 'signal.read',
  'query.routingRules': 'authenticated',
  'query._service': 'public: the subgraph SDL describes the schema, which is published in the repository; it holds no data',
  'query._entities': 'public: each entity type applies its own access rules inside; without a token only published measures and organisations resolve',
  'query.enforcementAction': 'enforcement.read',
  'query.enforcementActions': 'enforcement.read',
  'query.publicEnforcementActions':
    'public: published enforcement measures are public by law; the public view carries no notes, related records or personal data',
  'mutation.registerProvider': 'provider.register',
  'mutation.planVisit': 'visit.plan',
  'mutation.rescheduleVisit': 'visit.plan',
  'mutation.cancelVisit': 'visit.plan',
  'mutation.completeVisit': 'visit.complete',
  'mutation.acknowledgeConflict': 'visit.plan',
  'mutation.coordinateVisits': 'visit.coordinate',
  'mutation.respondToCoordination': 'visit.coordinate',
  'mutation.submitSignal': 'signal.submit',
  'mutation.submitSignals': 'signal.submit',
  'mutation.decideRouting': 'signal.decide',
  'query.events': 'event.read',
  'query.webhookSubscriptions': 'webhook.manage',
  'query.webhookDeliveries': 'webhook.manage',
  'mutation.createWebhookSubscription': 'webhook.manage',
  'mutation.deleteWebhookSubscription': 'webhook.manage',
  'mutation.redeliverEvent': 'webhook.manage',
  'mutation.recordEnforcementAction': 'enforcement.record',
  'mutation.publishEnforcementAction': 'enforcement.record',
  'mutation.updateEnforcementActionStatus': 'enforcement.record',
};

describe('operation access declarations', () => {
  it('match the reviewed list, and no operation is left undeclared', async () => {
    const schema = await buildGraphQLSchema();
    const declared: Record<string, string> = {};
    for (const [type, root] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as const) {
      for (const [name, field] of Object.entries(root?.getFields() ?? {})) {
        const access = operationAccess(field);
        declared[`${type}.${name}`] =
          access === undefined ? 'UNDECLARED' : access.kind === 'action' ? access.action : access.kind === 'public' ? `public: ${access.reason}` : access.kind;
      }
    }
    expect(declared).toEqual(EXPECTED);
  });

  it('are what docs/authorization.md says (regenerate with npm run docs:emit)', async () => {
    const document = readFileSync('docs/authorization.md', 'utf8');
    expect(document).toBe(renderGeneratedBlocks(document, await buildGraphQLSchema()));
  });
});
