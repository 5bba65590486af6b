export const id = 76;
export const ids = [76];
export const modules = {

/***/ 1076:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   loadYaml: () => (/* binding */ loadYaml)
/* harmony export */ });
/* unused harmony exports MAX_YAML_BYTES, MAX_YAML_NODES */
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3243);

// The one YAML loader for text a user or a pull request wrote (plans, `router`, `metrics`).
// js-yaml resolves an alias to the same object, so loading a 450-byte alias bomb is cheap — the
// harm comes later, when validation or a message walks the value and visits every alias again
// (billions of nodes). The expanded size is counted once here, with each shared node counted at
// its full size but computed only once, and a value that expands past the limit is refused.
/** Longest YAML text accepted: far above any plan, far below what could hurt. */
const MAX_YAML_BYTES = 1024 * 1024;
/** Most nodes a document may expand to, aliases counted in full. */
const MAX_YAML_NODES = 100_000;
/**
 * Parses one YAML document. Throws js-yaml's YAMLException for a syntax error, and for text over
 * MAX_YAML_BYTES, a recursive alias, or aliases expanding past MAX_YAML_NODES — each caller turns
 * it into its own error naming the input.
 */
function loadYaml(text, options = {}) {
    if (Buffer.byteLength(text) > MAX_YAML_BYTES) {
        throw new js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].YAMLException */ .Ay.YAMLException(`the text is ${Buffer.byteLength(text)} bytes, more than the ${MAX_YAML_BYTES} accepted`);
    }
    const value = js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].load */ .Ay.load(text, options);
    expandedSize(value, new Map(), new Set());
    return value;
}
function expandedSize(value, sizes, open) {
    if (value === null || typeof value !== 'object')
        return 1;
    const known = sizes.get(value);
    if (known !== undefined)
        return known;
    if (open.has(value))
        throw new js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].YAMLException */ .Ay.YAMLException('an alias refers to a node that contains it (a recursive alias); write the value out instead');
    open.add(value);
    let size = 1;
    for (const child of Object.values(value)) {
        size += expandedSize(child, sizes, open);
        if (size > MAX_YAML_NODES) {
            throw new js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].YAMLException */ .Ay.YAMLException(`aliases expand it to more than ${MAX_YAML_NODES} values (an alias bomb?); write the values out, or use fewer aliases`);
        }
    }
    open.delete(value);
    sizes.set(value, size);
    return size;
}


/***/ })

};
