// Walks the official CLI's command tree (read-only) and dumps commands/flags/args as JSON.
// Written for pspace-py's conformance data (see ../README.md); the import below is the path of
// a built checkout of Paperspace/cli: change it to yours.
import { root } from "/tmp/official-pspace/src/commands/mod.ts";
import { walkFlags, innerType, getDefault, typeAsString, isFlags } from "https://deno.land/x/zcli@1.3.3/flags.ts";
import { isArgs, walkArgs } from "https://deno.land/x/zcli@1.3.3/args.ts";
import { z } from "https://deno.land/x/zcli@1.3.3/z.ts";

function unwrap(s: any): any {
  // semantic unwrap (more than zcli's innerType): Optional/Default/Nullable/Effects/Array
  for (let i = 0; i < 20; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s._def.innerType;
    else if (s instanceof z.ZodEffects) s = s._def.schema;
    else if (s instanceof z.ZodPipeline) s = s._def.in;
    else break;
  }
  return s;
}
function kind(s: any): string {
  const u = unwrap(s);
  if (u instanceof z.ZodArray) return "array";
  if (u instanceof z.ZodBoolean) return "boolean";
  if (u instanceof z.ZodNumber) return "number";
  if (u instanceof z.ZodEnum) return "enum";
  if (u instanceof z.ZodString) return "string";
  if (u instanceof z.ZodUnion) return "union";
  if (u instanceof z.ZodRecord) return "record";
  if (u instanceof z.ZodObject) return "object";
  if (u instanceof z.ZodLiteral) return "literal";
  return u?.constructor?.name ?? "unknown";
}
function elemKind(s: any): string | null {
  const u = unwrap(s);
  if (u instanceof z.ZodArray) return kind(u._def.type);
  return null;
}
function enumValues(s: any): string[] | null {
  let u = unwrap(s);
  if (u instanceof z.ZodArray) u = unwrap(u._def.type);
  if (u instanceof z.ZodEnum) return [...u._def.values];
  return null;
}
function isOptional(s: any): boolean {
  // zod: does parse(undefined) succeed?
  return s.safeParse(undefined).success;
}
function defaultOf(s: any): unknown {
  let x = s;
  for (let i = 0; i < 20; i++) {
    if (x instanceof z.ZodDefault) return x._def.defaultValue();
    if (x instanceof z.ZodOptional || x instanceof z.ZodNullable) x = x._def.innerType;
    else if (x instanceof z.ZodEffects) x = x._def.schema;
    else break;
  }
  return undefined;
}

const ctx: any = { path: ["pspace"], root, meta: {} };
const out: Record<string, unknown> = {};

function dumpFlags(cmd: any) {
  const flags: any[] = [];
  walkFlags(cmd.flags, (schema: any, name: string) => {
    const parserBool = innerType(schema) instanceof z.ZodBoolean;
    const parserNumber = innerType(schema) instanceof z.ZodNumber;
    const parserCollect = schema instanceof z.ZodArray || schema._def.innerType instanceof z.ZodArray;
    const short = schema.aliases.filter((a: string) => a.length === 1);
    let def = defaultOf(schema);
    flags.push({
      long: `--${name}`,
      short: short.length ? `-${short[0]}` : null,
      aliases: schema.aliases,
      type: kind(schema),
      element_type: elemKind(schema),
      enum: enumValues(schema),
      required: !isOptional(schema),
      nullable: schema.safeParse(null).success,
      default: def === undefined ? null : def,
      negatable: !!schema.negatable,
      collect: parserCollect,
      parser: { bool: parserBool, number: parserNumber, collect: parserCollect },
      global: !!schema.__global,
      hidden: !!schema.hidden,
      deprecated: schema.deprecated ?? null,
      zod_type: typeAsString(schema),
      description: schema.short(ctx) ?? null,
    });
  });
  return flags;
}

function dumpArgs(cmd: any) {
  const a = cmd.args;
  if (!isArgs(a)) return null;
  const items: any[] = [];
  const wholeOptional = a instanceof z.ZodOptional || a instanceof z.ZodDefault;
  walkArgs(a, (arg: any, { position, variadic }) => {
    items.push({
      position,
      variadic,
      type: kind(arg),
      enum: enumValues(arg),
      optional: wholeOptional || isOptional(arg) || (a instanceof z.ZodArray && !a._def.minLength),
      description: arg.description ?? null,
    });
  });
  return { items, all_optional: wholeOptional, usage: a.usage?.(ctx) ?? null, short: a.short?.(ctx) ?? null };
}

function walk(cmd: any, path: string[], file: string) {
  const key = path.join(" ") || "(root)";
  out[key] = {
    aliases: cmd.aliases,
    hidden: cmd.hidden,
    deprecated: cmd.deprecated ?? null,
    short: cmd.short({ ...ctx, path: ["pspace", ...path] }) ?? null,
    subcommands: cmd.commands.map((c: any) => c.name),
    has_subcommands: cmd.commands.length > 0,
    args: dumpArgs(cmd),
    meta: cmd.meta,
    flags: dumpFlags(cmd),
  };
  for (const c of cmd.commands) walk(c, [...path, c.name], file);
}
walk(root, [], "");
console.log(JSON.stringify(out, null, 2));
