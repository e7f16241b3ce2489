/** @odoo-module ignore */
/* Copyright 2026 rest_endpoint authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
 *
 * A small YAML mode for the Ace editor bundled with Odoo (web.ace_lib ships
 * none): highlighting for request schemas written in YAML or JSON (JSON is
 * YAML), line comments with "#" and indentation after "key:".
 */
/* global ace */
ace.define(
    "ace/mode/yaml_highlight_rules",
    ["require", "exports", "module", "ace/lib/oop", "ace/mode/text_highlight_rules"],
    function (require, exports) {
        "use strict";
        const oop = require("../lib/oop");
        const TextHighlightRules = require("./text_highlight_rules").TextHighlightRules;

        const YamlHighlightRules = function () {
            this.$rules = {
                start: [
                    { token: "comment", regex: /(?:^|\s)#.*$/ },
                    { token: "meta.tag", regex: /^---|^\.\.\./ },
                    { token: "constant.language", regex: /[&*][\w-]+/ },
                    { token: "storage.type", regex: /!{1,2}[\w/:.-]*/ },
                    {
                        token: "variable",
                        regex: /(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[\w$.-][\w$ .-]*?)(?=\s*:(?:\s|$))/,
                    },
                    { token: "keyword.operator", regex: /-(?=\s|$)/ },
                    { token: "string", regex: /"(?:[^"\\]|\\.)*"?/ },
                    { token: "string", regex: /'(?:[^']|'')*'?/ },
                    {
                        token: "constant.language.boolean",
                        regex: /\b(?:true|false|True|False|null|Null|NULL)\b|~/,
                    },
                    {
                        token: "constant.numeric",
                        regex: /[+-]?(?:0x[\da-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.inf|\.nan)\b/,
                    },
                    { token: "string", regex: /[|>][-+\d]*(?=\s*(?:#.*)?$)/ },
                    { token: "paren.lparen", regex: /[[{]/ },
                    { token: "paren.rparen", regex: /[\]}]/ },
                    { token: "punctuation.operator", regex: /[:,?]/ },
                    { token: "text", regex: /\s+/ },
                    { token: "text", regex: /[^\s#:,[\]{}]+/ },
                ],
            };
            this.normalizeRules();
        };
        oop.inherits(YamlHighlightRules, TextHighlightRules);
        exports.YamlHighlightRules = YamlHighlightRules;
    }
);

ace.define(
    "ace/mode/yaml",
    ["require", "exports", "module", "ace/lib/oop", "ace/mode/text", "ace/mode/yaml_highlight_rules"],
    function (require, exports) {
        "use strict";
        const oop = require("../lib/oop");
        const TextMode = require("./text").Mode;
        const { YamlHighlightRules } = require("./yaml_highlight_rules");

        const Mode = function () {
            this.HighlightRules = YamlHighlightRules;
            this.$behaviour = this.$defaultBehaviour;
        };
        oop.inherits(Mode, TextMode);
        Mode.prototype.lineCommentStart = "#";
        Mode.prototype.getNextLineIndent = function (state, line, tab) {
            let indent = this.$getIndent(line);
            if (/:\s*$/.test(line) || /^\s*-\s*$/.test(line)) {
                indent += tab;
            }
            return indent;
        };
        Mode.prototype.$id = "ace/mode/yaml";
        exports.Mode = Mode;
    }
);
