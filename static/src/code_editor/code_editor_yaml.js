/** @odoo-module **/
/* Copyright 2026 rest_endpoint authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0). */
// The code editor accepts a fixed list of modes: add YAML, whose Ace mode
// this addon ships in the web.ace_lib bundle (ace_mode_yaml.js).
import { CodeEditor } from "@web/core/code_editor/code_editor";

if (!CodeEditor.MODES.includes("yaml")) {
    CodeEditor.MODES.push("yaml");
}
