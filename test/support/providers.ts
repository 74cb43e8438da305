import type { GraphQLClient } from './test-app.js';

export const REGISTER_PROVIDER = `mutation Register($input: RegisterProviderInput!) {
  registerProvider(input: $input) {
    created
    addedLocations { id name }
    provider { id name kvkNumber kboNumber agbCode sectors
      locations { id name vestigingsnummer street postcode city municipalityCode country } }
  }
}`;

export const PROVIDER = `query Provider($id: ID!) { provider(id: $id) { id name locations { municipalityCode country } } }`;

export const PROVIDERS = `query Providers($filter: ProviderFilter, $first: Int, $after: String) {
  providers(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name kvkNumber } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let counter = 0;

/** A KvK number nobody else in this test run uses. */
export function freshKvk(): string {
  counter += 1;
  return String(10_000_000 + ((process.pid * 1000 + counter) % 89_999_999)).padStart(8, '0');
}

export function dutchLocation(municipalityCode: string, overrides: Record<string, unknown> = {}) {
  counter += 1;
  return { name: `Locatie ${counter}`, street: 'Dorpsstraat 1', postcode: '1234 AB', city: 'Ergens', municipalityCode, country: 'NL', ...overrides };
}

export function belgianLocation(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return { name: `Vestiging ${counter}`, street: 'Kerkstraat 1', postcode: '2000', city: 'Antwerpen', country: 'BE', ...overrides };
}

export interface ProviderInput {
  name?: string;
  kvkNumber?: string | null;
  kboNumber?: string | null;
  agbCode?: string | null;
  sectors?: string[];
  locations?: Array<Record<string, unknown>>;
}

/** Registers a provider and returns its id (the client must be allowed to). */
export async function registerProvider(client: GraphQLClient, input: ProviderInput): Promise<string> {
  const data = await client.ok(REGISTER_PROVIDER, {
    input: { name: 'Zorgaanbieder', sectors: ['THUISZORG'], ...input },
  });
  return data.registerProvider.provider.id as string;
}
