import { Field, Int, ObjectType } from 'type-graphql';
import { ListSize } from '../platform/graphql/cost-limit.js';

@ObjectType('RoutingRuleSource', { simpleResolvers: true, description: 'A document a rule stands on, and the article or section in it.' })
export class RoutingRuleSourceType {
  @Field(() => String)
  document!: string;

  @Field(() => String)
  section!: string;
}

@ObjectType('RoutingRule', { simpleResolvers: true })
export class RoutingRuleType {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'The basis in words.' })
  basis!: string;

  @ListSize({ max: 10 })
  @Field(() => [RoutingRuleSourceType], { description: `The sources, each with its article or section (empty for rule sets before 2026.3); at most 10.` })
  sources!: RoutingRuleSourceType[];

  @Field(() => String, { description: 'The condition, in words.' })
  condition!: string;

  @Field(() => [String], { description: 'Organisation codes, or MUNICIPALITY_OF_LOCATION.' })
  recipients!: string[];

  @Field(() => Int)
  dueDays!: number;
}

@ObjectType('RoutingRuleSet', { simpleResolvers: true })
export class RoutingRuleSetType {
  @Field(() => String)
  version!: string;

  @Field(() => String)
  validFrom!: string;

  @ListSize({ max: 50 })
  @Field(() => [RoutingRuleType], { description: `At most 50.` })
  rules!: RoutingRuleType[];
}
