#!/usr/bin/env node
"use strict";
// Committed shim so npm can link the command before lib/ is compiled (npm links bins before `prepare` builds dist/).
require("../dist/cli/main.js");
