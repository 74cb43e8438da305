import { randomInt } from 'node:crypto';
import { graphql } from '../support/server-process.js';
import { dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';
import { DECIDE, SIGNALS, SUBMIT_SIGNAL, signalInput } from '../support/signals.js';
import { ACTIONS, actionInput, RECORD } from '../support/enforcement.js';
import { CONFLICT_CHECK, dayAt, LOAD, PLAN_VISIT, planInput, VISITS } from '../support/visits.js';

/**
 * The soak's traffic: a mix of what planners, partner systems and the OM do all day, each operation a weighted
 * share of the requests. Every request is valid, so every error it answers is a finding.
 */
export interface Tokens {
  planners: string[];
  integration: string;
  prosecutor: string;
  enforcement: string;
}

export interface Outcome {
  operation: string;
  ms: number;
  status: number;
  /** The GraphQL error code, when the answer carried one. */
  code?: string;
}

/** What the traffic wrote, for the checks afterwards. */
export interface Written {
  visits: number;
  signals: Map<string, { input: Record<string, unknown>; id: string }>;
  /** Resubmissions that did not come back as the same signal with duplicate: true. */
  duplicatesMisanswered: number;
  decisions: number;
  measures: number;
}

export class Traffic {
  readonly written: Written = { visits: 0, signals: new Map(), duplicatesMisanswered: 0, decisions: 0, measures: 0 };
  private readonly providers: Array<{ id: string; kvkNumber: string }> = [];
  private readonly undecided: string[] = [];
  private readonly base = new Date(Date.now() + 7 * 86_400_000);

  constructor(
    private readonly url: string,
    private readonly tokens: Tokens,
    private readonly record: (outcome: Outcome) => void,
  ) {}

  /** Providers to plan at: few enough that visits crowd them and conflicts are found all the time (24 a minute keeps the crowd alike for any duration). */
  async prepare(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const kvkNumber = freshKvk();
      const input = { name: `Soak Zorg ${index}`, kvkNumber, sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] };
      const data = await this.call('registerProvider', this.tokens.planners[0]!, REGISTER_PROVIDER, { input });
      if (data) this.providers.push({ id: data.registerProvider.provider.id, kvkNumber });
    }
    if (this.providers.length === 0) throw new Error('the soak could not register its providers');
  }

  private readonly mix: Array<[number, () => Promise<unknown>]> = [
    [25, () => this.planVisit()],
    [12, () => this.call('visitConflicts', this.planner(), CONFLICT_CHECK, { input: this.window() })],
    [12, () => this.call('visits', this.planner(), VISITS, { filter: { providerId: this.provider().id }, first: 20 })],
    [5, () => this.call('supervisoryLoad', this.planner(), LOAD, { providerId: this.provider().id, days: 120 })],
    [20, () => this.submitSignal()],
    [6, () => this.call('signals', this.tokens.integration, SIGNALS, { first: 20 })],
    [8, () => this.decide()],
    [4, () => this.recordMeasure()],
    [3, () => this.call('enforcementActions', this.tokens.enforcement, ACTIONS, { first: 20 })],
  ];

  private readonly totalWeight = this.mix.reduce((sum, [weight]) => sum + weight, 0);

  /** One request of the mix. */
  async next(): Promise<void> {
    let pick = randomInt(this.totalWeight);
    for (const [weight, run] of this.mix) {
      if (pick < weight) return void (await run());
      pick -= weight;
    }
  }

  private planner(): string {
    return this.tokens.planners[randomInt(this.tokens.planners.length)]!;
  }

  private provider(): { id: string; kvkNumber: string } {
    return this.providers[randomInt(this.providers.length)]!;
  }

  private window() {
    const start = dayAt(this.base, randomInt(120));
    return { providerIds: [this.provider().id], start: start.toISOString(), end: new Date(start.getTime() + 8 * 3600_000).toISOString() };
  }

  private async planVisit(): Promise<void> {
    const input = planInput({ providerIds: [this.provider().id], start: dayAt(this.base, randomInt(120)), announced: randomInt(5) > 0 });
    if (await this.call('planVisit', this.planner(), PLAN_VISIT, { input })) this.written.visits++;
  }

  private async submitSignal(): Promise<void> {
    const known = [...this.written.signals.values()];
    if (known.length > 0 && randomInt(100) < 15) {
      // The same signal again, as a partner system does after a timeout: it must come back as the same one.
      const earlier = known[randomInt(known.length)]!;
      const data = await this.call('submitSignal (again)', this.tokens.integration, SUBMIT_SIGNAL, { input: earlier.input });
      if (data && (!data.submitSignal.duplicate || data.submitSignal.signal.id !== earlier.id)) this.written.duplicatesMisanswered++;
      return;
    }
    const fraud = randomInt(100) < 30;
    const input = signalInput({
      providers: [{ kvkNumber: this.provider().kvkNumber }],
      ...(fraud ? { category: 'ZORGFRAUDE', possibleCriminalOffence: true } : {}),
    });
    const data = await this.call('submitSignal', this.tokens.integration, SUBMIT_SIGNAL, { input });
    if (!data) return;
    this.written.signals.set(input.externalId, { input, id: data.submitSignal.signal.id });
    for (const routing of data.submitSignal.routings) if (routing.recipient.code === 'OM') this.undecided.push(routing.id);
  }

  private async decide(): Promise<void> {
    const routingId = this.undecided.shift();
    if (!routingId) return void (await this.call('signals', this.tokens.prosecutor, SIGNALS, { filter: { routedToMe: true }, first: 20 }));
    const accept = randomInt(2) === 0;
    const input = accept ? { routingId, outcome: 'ACCEPT' } : { routingId, outcome: 'DECLINE', note: 'Geen aanwijzing voor een strafbaar feit' };
    if (await this.call('decideRouting', this.tokens.prosecutor, DECIDE, { input })) this.written.decisions++;
  }

  private async recordMeasure(): Promise<void> {
    const imposedOn = new Date().toISOString().slice(0, 10);
    if (await this.call('recordEnforcementAction', this.tokens.enforcement, RECORD, { input: actionInput(this.provider().id, { imposedOn }) })) this.written.measures++;
  }

  /** Sends one operation, records its outcome, and returns its data (undefined when it failed). */
  private async call(operation: string, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
    const began = performance.now();
    let status = 0;
    let code: string | undefined;
    let data: any;
    try {
      const answer = await graphql(this.url, token, query, variables);
      status = answer.status;
      code = answer.body?.errors?.[0]?.extensions?.code ?? (answer.body?.data ? undefined : 'NO_DATA');
      data = code ? undefined : answer.body.data;
    } catch (error) {
      code = `NO_ANSWER (${(error as Error).message})`;
    }
    this.record({ operation, ms: performance.now() - began, status, ...(code ? { code } : {}) });
    return data;
  }
}
