import type { RouteHandler } from './server-runtime';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface Route {
  readonly method: HttpMethod;
  /** OpenAPI form, e.g. `/runs/{id}`; the same string is the key in the OpenAPI document. */
  readonly path: string;
  /** `ticket` also accepts a stream ticket minted for the `{id}` run. */
  readonly auth: 'token' | 'token-or-ticket' | 'public';
  /** `json`: a JSON body is required. `none`: a body, if any, must still be JSON and is ignored. */
  readonly body: 'json' | 'none';
  readonly handle: RouteHandler;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong_method'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not_found' };

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const PARAM = /\{([A-Za-z]+)\}/g;

/** Path parameters match one segment of id-safe characters only, so no decoding tricks reach a handler. */
function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.]/g, '\\.').replace(PARAM, (_all, name: string) => {
    names.push(name);
    return '([A-Za-z0-9._-]{1,128})';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export class Router {
  private readonly compiled: readonly CompiledRoute[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map(compile);
  }

  match(method: string, pathname: string): RouteMatch {
    const allowed: HttpMethod[] = [];
    for (const { route, pattern, names } of this.compiled) {
      const found = pattern.exec(pathname);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = found[index + 1] ?? '';
      });
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'wrong_method', allowed } : { kind: 'not_found' };
  }
}
