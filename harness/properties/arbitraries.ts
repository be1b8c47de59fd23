// fast-check arbitraries generated from the one message table (messages.ts) and its field kinds
// (fields.ts), the same sources the zod schemas come from, so schema and generator cannot drift:
// a new field kind fails to compile here until it has a generator, a new field in the table is
// generated without touching this file.
//
// Three classes of request data:
//  - valid: every field the table names for the operation and dialect, within the documented limits;
//  - near-valid: a valid request with exactly one thing broken (a field missing, mistyped, out of
//    range, over its limit, an empty or unusual unicode string, a huge integer, data not an object);
//  - arbitrary JSON and other frames that are not requests at all.
//
// One module per job (arbitraries/): field kinds, what breaks a field, requests, envelopes and frames.
export * from './arbitraries/fields.ts';
export * from './arbitraries/frames.ts';
export * from './arbitraries/mutations.ts';
export * from './arbitraries/requests.ts';
