// The JSON code view of the experiment editor: CodeMirror 6 is published as ES modules that
// import each other by package name, which a browser cannot resolve without a bundler; this
// entry is bundled by esbuild (build/bundle-codemirror.mjs) into one module in wwwroot/lib.
export { EditorView, keymap } from "@codemirror/view";
export { EditorState } from "@codemirror/state";
export { basicSetup } from "codemirror";
export { json, jsonParseLinter } from "@codemirror/lang-json";
export { linter, lintGutter, setDiagnostics } from "@codemirror/lint";
