import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../access/roles.js';
import { Organisation } from './organisation.types.js';

registerEnumType(Role, { name: 'Role', description: 'What a person or machine client may do within its organisation.' });

@ObjectType('Viewer', { simpleResolvers: true, description: 'Who is calling: the subject of the access token.' })
export class ViewerType {
  @Field(() => String, { description: 'The person or client id from the token.' })
  sub!: string;

  @Field(() => Organisation)
  organisation!: Organisation;

  @Field(() => [Role])
  roles!: Role[];
}
