# ruff: noqa: F821  (`env` is provided by `odoo shell`)
# Run through `odoo shell` by `tools/dev run`: gives admin a fresh API key for
# the curl examples (the key is shown once, as in the back office) and removes
# the keys earlier runs made, so they do not pile up.
name = "rest_endpoint demo (tools/dev run)"
Keys = env["res.users.apikeys"].sudo()
Keys.search([("name", "=", name)])._remove()
admin = env.ref("base.user_admin")
key = Keys.with_user(admin)._generate(None, name, None)
env.cr.commit()
print("DEMO_API_KEY=" + key)
