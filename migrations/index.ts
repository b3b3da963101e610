import { InitialSchema1764170000000 } from './1764170000000-InitialSchema';

/** Every migration, in order. Listed explicitly so compiled and ts-jest runs load the same classes. */
export const migrations = [InitialSchema1764170000000];
