/**
 * GitHub's GraphQL primary rate-limit cost and node count of one request, computed before
 * the request runs, as GitHub's page "Rate limits and query limits for the GraphQL API"
 * (docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api)
 * documents them:
 *
 * - **Requests.** Every connection (a field taking `first`/`last`: `search` included)
 *   needs as many requests as the product of the page sizes of the connections around it
 *   (a connection at the top level, or under plain objects only, needs 1). "Add up the
 *   number of requests needed to fulfill each unique connection in the call. Assume every
 *   request will reach the `first` or `last` argument limits."
 * - **Cost.** "Divide the number by 100 and round the result to the nearest whole number";
 *   "the minimum point value of a call to the GraphQL API is 1". The page's example:
 *   repositories(first: 100) → issues(first: 50) → labels(first: 60) needs 1 + 100 + 5,000
 *   = 5,101 requests, 51 points.
 * - **Mutations** cost 1 point each (each request, however many mutation fields it
 *   carries). The primary-limit page gives its formula for queries only and a minimum of
 *   1 point per call; the only mutation figure GitHub publishes is for the *secondary*
 *   limit (5 points per request with mutations, against 2,000 a minute), which this
 *   module does not model. So a mutation request is charged the minimum: 1.
 * - **Nodes.** Each connection contributes the product of the page sizes down to and
 *   including its own; "individual calls cannot request more than 500,000 total nodes"
 *   (refused before running: `MAX_NODE_LIMIT_EXCEEDED`, with GitHub's message), and
 *   `first`/`last` "must be within 1-100": above 100 is GitHub's `EXCESSIVE_PAGINATION`,
 *   below 0 its `INVALID_PAGINATION` (messages as GitHub answers them). `first: 0` is let
 *   through, as the simulator's connections always have: GitHub publishes no error for it.
 *
 * How the document is read: fragments and inline fragments are expanded where they are
 * spread; aliases are separate connections; the same field selected twice under the same
 * response key and type condition (two fragments selecting `labels(first: 100)`) is one
 * connection, as GraphQL merges them. Fields under different type conditions (`... on
 * Issue { labels(...) }` and `... on Discussion { labels(...) }` under one `search`) are
 * counted apart and summed: GitHub does not document how it treats abstract types, and
 * the sum is the bound no page can exceed. `@skip`/`@include` are honoured when their
 * `if` is a literal; one that depends on a variable is counted (a worst case). When a
 * connection has both `first` and `last`, the larger one counts. Variables are resolved
 * (their default values too); a page size that is not given at all is an error only when
 * the connection's `nodes` or `edges` are selected and the schema says the field is a
 * connection (`labels { totalCount }` needs no page size on GitHub). Lists that are not
 * connections (`nodes(ids: [...])`, a tree's `entries`) multiply nothing: GitHub's formula
 * counts connections only, and it publishes nothing on lists.
 *
 * The analysis of a document is cached per document (documents repeat); only the
 * arithmetic over the variables runs again, and not even that when no page size depends
 * on a variable.
 */
import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/** GitHub's largest page: `first`/`last` above this are refused. */
export const MAX_PAGE_SIZE = 100;
/** GitHub's node limit per call. */
export const MAX_NODES = 500_000;

/** An error in GitHub's shape: `type` beside the message. */
export interface CostError {
  readonly type: string;
  readonly message: string;
  /** Response keys from the root to the offending connection. */
  readonly path?: readonly string[];
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
}

export interface QueryCost {
  /** Points charged against the primary limit. */
  readonly cost: number;
  /** The requests GitHub's formula counts (before dividing by 100). */
  readonly requests: number;
  readonly nodeCount: number;
  readonly mutation: boolean;
  /** The operation asks `rateLimit(dryRun: true)`: GitHub charges nothing. */
  readonly dryRun: boolean;
}

export type CostOutcome = { readonly ok: true; readonly cost: QueryCost } | { readonly ok: false; readonly errors: readonly CostError[] };

export interface CostOptions {
  readonly operationName?: string | null;
  readonly variables?: Readonly<Record<string, unknown>>;
  /**
   * GitHub's schema, when known: it tells a connection from a plain field (so a missing
   * page size can be refused) and an inline fragment on the enclosing type from one on
   * another type.
   */
  readonly schema?: GraphQLSchema;
}

// ------------------------------------------------------------------ the plan

interface Connection {
  readonly fieldName: string;
  readonly path: readonly string[];
  readonly line: number;
  readonly column: number;
  readonly first: ValueNode | undefined;
  readonly last: ValueNode | undefined;
  /** GitHub's schema has the field as a connection (false when no schema was given). */
  readonly schemaConnection: boolean;
  /** Pages are asked for: `nodes`, `edges` or a fragment is selected on it. */
  readonly asksNodes: boolean;
  readonly children: readonly Connection[];
}

interface Plan {
  readonly mutation: boolean;
  readonly connections: readonly Connection[];
  readonly dryRun: ValueNode | undefined;
  /** Whether any page size (or dryRun) is a variable: if not, one result fits every request. */
  readonly usesVariables: boolean;
  fixed: CostOutcome | null;
}

interface Collected {
  readonly key: string;
  readonly field: FieldNode;
  readonly selectionSets: SelectionSetNode[];
  readonly parentType: GraphQLNamedType | null;
}

/** `@skip(if: true)` or `@include(if: false)` written as literals. */
function excluded(directives: readonly DirectiveNode[] | undefined): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== "skip" && name !== "include") continue;
    const condition = directive.arguments?.find((arg) => arg.name.value === "if")?.value;
    if (condition?.kind !== Kind.BOOLEAN) continue;
    if (name === "skip" && condition.value) return true;
    if (name === "include" && !condition.value) return true;
  }
  return false;
}

class Planner {
  usesVariables = false;

  constructor(
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly schema: GraphQLSchema | undefined,
  ) {}

  /** Fields of some selection sets, fragments expanded, merged by type condition and response key. */
  private collect(
    sets: readonly SelectionSetNode[],
    parentType: GraphQLNamedType | null,
    scope: string,
    out: Map<string, Collected>,
    spreading: ReadonlySet<string>,
  ): void {
    for (const set of sets) {
      for (const selection of set.selections) {
        if (excluded(selection.directives)) continue;
        if (selection.kind === Kind.FIELD) {
          const responseKey = selection.alias?.value ?? selection.name.value;
          const key = `${scope}\u0000${responseKey}`;
          let entry = out.get(key);
          if (!entry) {
            entry = { key: responseKey, field: selection, selectionSets: [], parentType };
            out.set(key, entry);
          }
          if (selection.selectionSet) entry.selectionSets.push(selection.selectionSet);
          continue;
        }
        let typeName: string | undefined;
        let inner: SelectionSetNode;
        let nextSpreading = spreading;
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          typeName = selection.typeCondition?.name.value;
          inner = selection.selectionSet;
        } else {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          // Unknown or cyclic spreads fail validation; here they only must not loop.
          if (!fragment || spreading.has(name)) continue;
          typeName = fragment.typeCondition.name.value;
          inner = fragment.selectionSet;
          nextSpreading = new Set([...spreading, name]);
        }
        const sameType = typeName === undefined || typeName === parentType?.name || typeName === scope;
        const innerType = typeName !== undefined && this.schema ? (this.schema.getType(typeName) ?? parentType) : parentType;
        this.collect([inner], sameType ? parentType : innerType, sameType ? scope : (typeName ?? scope), out, nextSpreading);
      }
    }
  }

  private argument(field: FieldNode, name: string): ValueNode | undefined {
    const value = field.arguments?.find((arg) => arg.name.value === name)?.value;
    if (value?.kind === Kind.VARIABLE) this.usesVariables = true;
    return value;
  }

  /** Whether GitHub's schema has this field as a paginated connection. */
  private schemaConnection(parentType: GraphQLNamedType | null, fieldName: string): { connection: boolean; type: GraphQLNamedType | null } {
    if (!parentType || !(isObjectType(parentType) || isInterfaceType(parentType))) return { connection: false, type: null };
    const definition = parentType.getFields()[fieldName];
    if (!definition) return { connection: false, type: null };
    const type = getNamedType(definition.type);
    const paginated = definition.args.some((arg) => arg.name === "first") && definition.args.some((arg) => arg.name === "last");
    return { connection: paginated && type.name.endsWith("Connection"), type };
  }

  /** The connections among some selection sets, each with the connections below it. */
  connections(sets: readonly SelectionSetNode[], parentType: GraphQLNamedType | null, path: readonly string[], spreading: ReadonlySet<string> = new Set()): Connection[] {
    const fields = new Map<string, Collected>();
    this.collect(sets, parentType, parentType?.name ?? "", fields, spreading);
    const found: Connection[] = [];
    for (const entry of fields.values()) {
      const fieldName = entry.field.name.value;
      if (fieldName.startsWith("__")) continue;
      const here = [...path, entry.key];
      const { connection: bySchema, type } = this.schemaConnection(entry.parentType, fieldName);
      const first = this.argument(entry.field, "first");
      const last = this.argument(entry.field, "last");
      const children = entry.selectionSets.length > 0 ? this.connections(entry.selectionSets, type, here) : [];
      const asksNodes = entry.selectionSets.some((set) =>
        set.selections.some((s) => s.kind !== Kind.FIELD || s.name.value === "nodes" || s.name.value === "edges"),
      );
      if (first === undefined && last === undefined && !(bySchema && asksNodes)) {
        // Not paginated here (not a connection, or `totalCount` only): the connections
        // below count as if they were directly under the enclosing one.
        found.push(...children);
        continue;
      }
      found.push({
        fieldName,
        path: here,
        line: entry.field.loc?.startToken.line ?? 0,
        column: entry.field.loc?.startToken.column ?? 0,
        first,
        last,
        schemaConnection: bySchema,
        asksNodes,
        children,
      });
    }
    return found;
  }
}

function rootType(schema: GraphQLSchema | undefined, operation: OperationDefinitionNode): GraphQLNamedType | null {
  if (!schema) return null;
  if (operation.operation === "mutation") return schema.getMutationType() ?? null;
  if (operation.operation === "subscription") return schema.getSubscriptionType() ?? null;
  return schema.getQueryType() ?? null;
}

function choose(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((op) => op.name?.value === operationName) ?? null;
  return operations.length === 1 ? (operations[0] ?? null) : null;
}

function plan(document: DocumentNode, operation: OperationDefinitionNode, schema: GraphQLSchema | undefined): Plan {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const planner = new Planner(fragments, schema);
  const connections = planner.connections([operation.selectionSet], rootType(schema, operation), []);
  let dryRun: ValueNode | undefined;
  if (operation.operation === "query") {
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.name.value !== "rateLimit") continue;
      dryRun = selection.arguments?.find((arg) => arg.name.value === "dryRun")?.value;
      if (dryRun?.kind === Kind.VARIABLE) planner.usesVariables = true;
      break;
    }
  }
  return { mutation: operation.operation === "mutation", connections, dryRun, usesVariables: planner.usesVariables, fixed: null };
}

// ------------------------------------------------------------------ the arithmetic

function defaults(operation: OperationDefinitionNode): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) out.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  return out;
}

function resolve(value: ValueNode | undefined, variables: Readonly<Record<string, unknown>>, fallback: ReadonlyMap<string, unknown>): unknown {
  if (value === undefined) return undefined;
  if (value.kind === Kind.VARIABLE) {
    const name = value.name.value;
    return Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : fallback.get(name);
  }
  return valueFromASTUntyped(value);
}

function evaluate(plan: Plan, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): CostOutcome {
  const fallback = defaults(operation);
  const errors: CostError[] = [];
  let requests = 0;
  let nodes = 0;
  const walk = (connections: readonly Connection[], multiplier: number): void => {
    for (const c of connections) {
      const where = { path: c.path, locations: [{ line: c.line, column: c.column }] };
      let size = 0;
      let given = false;
      for (const [key, node] of [["first", c.first], ["last", c.last]] as const) {
        const value = resolve(node, variables, fallback);
        // A value of the wrong type fails GraphQL's own variable coercion, not this.
        if (typeof value !== "number" || !Number.isInteger(value)) continue;
        given = true;
        if (value < 0) {
          errors.push({ type: "INVALID_PAGINATION", message: `\`${key}\` on the connection cannot be less than zero.`, ...where });
        } else if (value > MAX_PAGE_SIZE) {
          errors.push({
            type: "EXCESSIVE_PAGINATION",
            message: `Requesting ${value} records on the \`${c.fieldName}\` connection exceeds the \`${key}\` limit of ${MAX_PAGE_SIZE} records.`,
            ...where,
          });
        }
        size = Math.max(size, Math.min(Math.max(value, 0), MAX_PAGE_SIZE));
      }
      if (!given) {
        // No page size (`first: $n` without $n counts as not written): refused when pages
        // are asked for, else (`totalCount` only) not paginated at all.
        if (c.asksNodes && (c.schemaConnection || c.first !== undefined || c.last !== undefined)) {
          errors.push({
            type: "MISSING_PAGINATION_BOUNDARIES",
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${c.fieldName}\` connection.`,
            ...where,
          });
        }
        walk(c.children, multiplier);
        continue;
      }
      requests += multiplier;
      nodes += multiplier * size;
      walk(c.children, multiplier * size);
    }
  };
  walk(plan.connections, 1);
  if (errors.length > 0) return { ok: false, errors };
  if (nodes > MAX_NODES) {
    return {
      ok: false,
      errors: [
        {
          type: "MAX_NODE_LIMIT_EXCEEDED",
          message: `This query requests up to ${nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString("en-US")}.`,
        },
      ],
    };
  }
  const dryRun = resolve(plan.dryRun, variables, fallback) === true;
  const cost = plan.mutation ? 1 : Math.max(1, Math.round(requests / 100));
  return { ok: true, cost: { cost, requests, nodeCount: nodes, mutation: plan.mutation, dryRun } };
}

// ------------------------------------------------------------------ the cache

/**
 * Plans by document, then by operation name (and whether a schema informed them). A
 * document's text is its identity: the same text parsed again finds its plan too.
 */
const plansByDocument = new WeakMap<DocumentNode, Map<string, Plan>>();
const plansByText = new Map<string, Map<string, Plan>>();
const MAX_CACHED_TEXTS = 500;

function plansFor(document: DocumentNode): Map<string, Plan> {
  const known = plansByDocument.get(document);
  if (known) return known;
  const text = document.loc?.source.body;
  const plans = (text !== undefined ? plansByText.get(text) : undefined) ?? new Map<string, Plan>();
  plansByDocument.set(document, plans);
  if (text !== undefined && !plansByText.has(text)) {
    if (plansByText.size >= MAX_CACHED_TEXTS) plansByText.clear();
    plansByText.set(text, plans);
  }
  return plans;
}

/**
 * The cost and node count of one call of `document` (graphql-js 16, already parsed and,
 * for a faithful answer, validated), or GitHub's errors for a call it refuses before
 * running: page sizes out of range or missing, or more than 500,000 nodes. A document
 * whose operation cannot be chosen (several and no name, or an unknown name) is left to
 * GraphQL's own error and costs the minimum here.
 */
export function queryCost(document: DocumentNode, options: CostOptions = {}): CostOutcome {
  const operation = choose(document, options.operationName);
  if (!operation) return { ok: true, cost: { cost: 1, requests: 0, nodeCount: 0, mutation: false, dryRun: false } };
  const plans = plansFor(document);
  const key = `${options.schema ? "schema" : "plain"}:${operation.name?.value ?? ""}`;
  let found = plans.get(key);
  if (!found) {
    found = plan(document, operation, options.schema);
    plans.set(key, found);
  }
  if (found.fixed) return found.fixed;
  const outcome = evaluate(found, operation, options.variables ?? {});
  if (!found.usesVariables) found.fixed = outcome;
  return outcome;
}
