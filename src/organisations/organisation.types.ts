import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { OrganisationKind } from '../access/organisations.js';

registerEnumType(OrganisationKind, { name: 'OrganisationKind', description: 'What kind of body an organisation is; drives what it may see.' });

@Directive('@key(fields: "code")')
@ObjectType('Organisation', { simpleResolvers: true, description: 'A supervisor or the prosecution service taking part in Samenloop.' })
export class Organisation {
  @Field(() => ID, { description: 'IGJ, NZA, IJENV, OM, ZORGINSPECTIE, or a CBS gemeentecode such as GM0363.' })
  code!: string;

  // Public reference data: partner subgraphs may resolve these too (@shareable).
  @Directive('@shareable')
  @Field(() => String)
  name!: string;

  @Directive('@shareable')
  @Field(() => OrganisationKind)
  kind!: OrganisationKind;

  @Directive('@shareable')
  @Field(() => String, { nullable: true, description: 'Organisatie-identificatienummer (20 digits), when known.' })
  oin!: string | null;
}
