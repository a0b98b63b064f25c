/**
 * Tree-sitter tag queries: where each grammar declares things. Captures are named `name.<kind>` on the
 * declared name. In the spirit of the `tags.scm` files grammars ship (and Aider's repo map uses), limited to
 * declarations a reader would look for: functions, classes, methods, types, interfaces, enums, namespaces
 * and module-level constants. Import lists never match: an import binds a name, it declares nothing.
 */

export type GrammarName = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go';

export interface TagQuerySources {
  readonly definitions: string;
  /** Module specifiers this file imports, captured as `@import`. */
  readonly imports: string;
  /** Comments and string literals, whose words are not references. */
  readonly literals: string;
}

const FUNCTION_VALUE = '[(arrow_function) (function_expression) (generator_function)]';

const TYPESCRIPT_DEFINITIONS = `
(function_declaration name: (identifier) @name.function)
(generator_function_declaration name: (identifier) @name.function)
(function_signature name: (identifier) @name.function)
(class_declaration name: (type_identifier) @name.class)
(abstract_class_declaration name: (type_identifier) @name.class)
(method_definition name: (property_identifier) @name.method)
(method_signature name: (property_identifier) @name.method)
(abstract_method_signature name: (property_identifier) @name.method)
(public_field_definition name: (property_identifier) @name.method value: ${FUNCTION_VALUE})
(interface_declaration name: (type_identifier) @name.interface)
(type_alias_declaration name: (type_identifier) @name.type)
(enum_declaration name: (identifier) @name.enum)
(internal_module name: (identifier) @name.namespace)
(variable_declarator name: (identifier) @name.function value: ${FUNCTION_VALUE})
(program (lexical_declaration (variable_declarator name: (identifier) @name.constant)))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name.constant))))
(program (variable_declaration (variable_declarator name: (identifier) @name.constant)))
(program (export_statement declaration: (variable_declaration (variable_declarator name: (identifier) @name.constant))))
`;

const JAVASCRIPT_DEFINITIONS = `
(function_declaration name: (identifier) @name.function)
(generator_function_declaration name: (identifier) @name.function)
(class_declaration name: (identifier) @name.class)
(method_definition name: (property_identifier) @name.method)
(field_definition property: (property_identifier) @name.method value: ${FUNCTION_VALUE})
(variable_declarator name: (identifier) @name.function value: ${FUNCTION_VALUE})
(assignment_expression left: (member_expression property: (property_identifier) @name.function) right: [(arrow_function) (function_expression) (generator_function) (class)])
(pair key: (property_identifier) @name.method value: ${FUNCTION_VALUE})
(program (lexical_declaration (variable_declarator name: (identifier) @name.constant)))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name.constant))))
(program (variable_declaration (variable_declarator name: (identifier) @name.constant)))
`;

const JS_IMPORTS = `
(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @import))
(call_expression function: (identifier) @_require arguments: (arguments . (string (string_fragment) @import)) (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import)))
`;

const JS_LITERALS = '(comment) @literal (string) @literal (template_string) @literal (regex) @literal';
/** The grammars with JSX also have text between tags, which is prose. */
const JSX_LITERALS = `${JS_LITERALS} (jsx_text) @literal`;

export const TAG_QUERIES: Readonly<Record<GrammarName, TagQuerySources>> = {
  typescript: { definitions: TYPESCRIPT_DEFINITIONS, imports: JS_IMPORTS, literals: JS_LITERALS },
  tsx: { definitions: TYPESCRIPT_DEFINITIONS, imports: JS_IMPORTS, literals: JSX_LITERALS },
  javascript: { definitions: JAVASCRIPT_DEFINITIONS, imports: JS_IMPORTS, literals: JSX_LITERALS },
  python: {
    definitions: `
(function_definition name: (identifier) @name.function)
(class_definition name: (identifier) @name.class)
(module (expression_statement (assignment left: (identifier) @name.constant)))
`,
    imports: '(import_from_statement module_name: (_) @import) (import_statement name: (dotted_name) @import) (import_statement name: (aliased_import name: (dotted_name) @import))',
    literals: '(comment) @literal (string) @literal',
  },
  go: {
    definitions: `
(function_declaration name: (identifier) @name.function)
(method_declaration name: (field_identifier) @name.method)
(type_spec name: (type_identifier) @name.type)
(source_file (const_declaration (const_spec name: (identifier) @name.constant)))
(source_file (var_declaration (var_spec name: (identifier) @name.constant)))
`,
    imports: '(import_spec path: (interpreted_string_literal) @import)',
    literals: '(comment) @literal (interpreted_string_literal) @literal (raw_string_literal) @literal',
  },
};
