// Text-only DOM building for the webviews. Content from models and repositories becomes text nodes and
// attribute values, never markup: there is no innerHTML here, and no way to set event-handler attributes,
// `style`, or links through these helpers.

export type Child = Node | string | number | false | null | undefined;

export interface ElementProps {
  readonly className?: string;
  /** `data-testid`: stable hooks for the UI tests. */
  readonly testId?: string;
  /** `data-*` attributes, without the prefix. */
  readonly data?: Readonly<Record<string, string | number | undefined>>;
  readonly attrs?: Readonly<Record<string, string | undefined>>;
  readonly title?: string;
  readonly hidden?: boolean;
  readonly onClick?: (event: Event) => void;
}

const FORBIDDEN_ATTRIBUTE = /^(on|style$|href$|src$|srcdoc$|action$|formaction$|xlink:)/i;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.testId) element.dataset.testid = props.testId;
  for (const [key, value] of Object.entries(props.data ?? {})) if (value !== undefined) element.dataset[key] = String(value);
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined) continue;
    if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`Attribute "${name}" is not allowed in webview markup.`);
    element.setAttribute(name, value);
  }
  if (props.title !== undefined) element.title = props.title;
  if (props.hidden) element.hidden = true;
  if (props.onClick) setClickHandler(element, props.onClick);
  append(element, children);
  return element;
}

type ClickHandler = (event: Event) => void;

const clickHandlers = new WeakMap<Element, ClickHandler>();
const listening = new WeakSet<Element>();

/**
 * One listener per element that calls the element's current handler: when patch-dom.ts keeps an element
 * and takes the handler of its freshly built twin, the click acts on the current run, not a stale one.
 */
export function setClickHandler(element: Element, handler: ClickHandler | undefined): void {
  if (handler === undefined) {
    clickHandlers.delete(element);
    return;
  }
  clickHandlers.set(element, handler);
  if (listening.has(element)) return;
  listening.add(element);
  element.addEventListener('click', (event) => clickHandlers.get(element)?.(event));
}

export function currentClickHandler(element: Element): ClickHandler | undefined {
  return clickHandlers.get(element);
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A codicon, decorative unless labelled. */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { className: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

export function button(label: string, props: ElementProps & { readonly icon?: string; readonly variant?: 'primary' | 'secondary' | 'icon' } = {}): HTMLButtonElement {
  const { icon: iconName, variant = 'secondary', className, ...rest } = props;
  return h('button', { ...rest, className: `button ${variant}${className ? ` ${className}` : ''}`, attrs: { type: 'button', ...(variant === 'icon' ? { 'aria-label': label } : {}), ...rest.attrs } }, [
    iconName ? icon(iconName) : undefined,
    variant === 'icon' ? undefined : h('span', {}, [label]),
  ]);
}

export function replaceChildren(parent: Element, children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
