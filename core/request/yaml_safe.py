"""The YAML loader of every YAML text the addon reads from users (request
schemas, endpoints files): safe, without anchors and aliases, without
timestamps."""

import yaml


class YamlAliasRefused(yaml.composer.ComposerError):
    """An anchor or an alias in YAML read by :class:`SafeYamlLoader`."""

    def __init__(self, what, name, mark):
        self.what, self.name = what, name
        super().__init__(
            None, None, f"YAML aliases are not allowed: found the {what} '{name}'", mark
        )

    def describe(self):
        mark = self.problem_mark
        return f"{self.problem} at line {mark.line + 1}, column {mark.column + 1}."


class SafeYamlLoader(yaml.SafeLoader):
    """SafeLoader without anchors and aliases, and without timestamps: the
    loader of every YAML text the addon reads from users (request schemas,
    endpoints files).

    An alias repeats a node by reference: nine levels of ten aliases are a
    billion nodes once walked (the "YAML bomb"), and none of these texts
    needs them. Refused when composing, before any node is built
    (:class:`YamlAliasRefused`, a ``yaml.YAMLError`` with its position).
    Timestamps stay strings, as they would be in JSON.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlAliasRefused("alias", f"*{event.anchor}", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise YamlAliasRefused("anchor", f"&{event.anchor}", event.start_mark)
        return super().compose_node(parent, index)
