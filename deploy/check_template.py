#!/usr/bin/python3
"""Checks deploy/template.yaml without AWS: it parses, every Ref and GetAtt
names a parameter or resource of the template, the function is the one
rungs needs, and the IAM statements grant exactly the least privileges the
README promises. Exits 1 naming each problem. Usage: check_template.py FILE
"""
import re
import sys

import yaml


class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt ...)."""


def _intrinsic(loader, tag_suffix, node):
    name = "Ref" if tag_suffix == "Ref" else "Fn::" + tag_suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _intrinsic)

PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::URLSuffix"}


def walk(value):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def sub_names(text):
    return [m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)]


def statements(policy_document):
    found = policy_document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value):
    return value if isinstance(value, list) else [value]


def check(template):
    problems = []
    params = template.get("Parameters", {})
    resources = template.get("Resources", {})
    known = set(params) | set(resources) | PSEUDO

    for node in walk(template):
        if not isinstance(node, dict):
            continue
        if "Ref" in node and node["Ref"] not in known:
            problems.append(f"Ref to unknown '{node['Ref']}'")
        if "Fn::GetAtt" in node and node["Fn::GetAtt"][0] not in resources:
            problems.append(f"GetAtt of unknown resource '{node['Fn::GetAtt'][0]}'")
        if "Fn::Sub" in node and isinstance(node["Fn::Sub"], str):
            for name in sub_names(node["Fn::Sub"]):
                if name not in known:
                    problems.append(f"Sub names unknown '{name}'")

    function = resources.get("Function", {})
    props = function.get("Properties", {})
    if function.get("Type") != "AWS::Lambda::Function":
        problems.append("no AWS::Lambda::Function named Function")
    expected = {
        "Runtime": "provided.al2023",
        "Architectures": ["x86_64"],
        "MemorySize": {"Ref": "MemorySize"},
        "Timeout": {"Ref": "Timeout"},
        "ReservedConcurrentExecutions": {"Ref": "ReservedConcurrency"},
        "Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
    }
    for key, value in expected.items():
        if props.get(key) != value:
            problems.append(f"Function {key} is {props.get(key)!r}, expected {value!r}")

    # The function's role: logs on its own group, GetObject under the prefix.
    role = resources.get("FunctionRole", {}).get("Properties", {})
    if role.get("ManagedPolicyArns"):
        problems.append("FunctionRole has managed policies; it must have only its inline policy")
    trust = statements(role.get("AssumeRolePolicyDocument", {"Statement": []}))
    if [s.get("Principal") for s in trust] != [{"Service": "lambda.amazonaws.com"}]:
        problems.append("FunctionRole must be assumable by lambda.amazonaws.com only")
    granted = {}
    for policy in role.get("Policies", []):
        for s in statements(policy["PolicyDocument"]):
            if s.get("Effect") != "Allow":
                continue
            for action in as_list(s["Action"]):
                granted.setdefault(action, []).extend(as_list(s["Resource"]))
    want = {
        "logs:CreateLogStream": [{"Fn::GetAtt": ["LogGroup", "Arn"]}],
        "logs:PutLogEvents": [{"Fn::GetAtt": ["LogGroup", "Arn"]}],
        "s3:GetObject": [{"Fn::Sub": "arn:${AWS::Partition}:s3:::${DataBucket}/${DataPrefix}*"}],
    }
    if granted != want:
        problems.append(f"FunctionRole grants {granted!r}, expected exactly {want!r}")

    # The driver's policy: invoke this function (and its qualifiers) only.
    driver = resources.get("DriverPolicy", {})
    if driver.get("Type") != "AWS::IAM::ManagedPolicy":
        problems.append("no AWS::IAM::ManagedPolicy named DriverPolicy")
    driver_props = driver.get("Properties", {})
    if any(k in driver_props for k in ("Roles", "Users", "Groups")):
        problems.append("DriverPolicy is attached in the template; leave that to the user")
    driver_granted = {}
    for s in statements(driver_props.get("PolicyDocument", {"Statement": []})):
        for action in as_list(s["Action"]):
            driver_granted.setdefault(action, []).extend(as_list(s["Resource"]))
    want_driver = {"lambda:InvokeFunction": [{"Fn::GetAtt": ["Function", "Arn"]},
                                             {"Fn::Sub": "${Function.Arn}:*"}]}
    if driver_granted != want_driver:
        problems.append(f"DriverPolicy grants {driver_granted!r}, expected exactly {want_driver!r}")

    for node in walk(resources):
        if isinstance(node, dict) and "Action" in node:
            for action in as_list(node["Action"]):
                if "*" in action:
                    problems.append(f"wildcard action '{action}'")
            if "*" in as_list(node.get("Resource", [])):
                problems.append("a statement on every resource ('*')")
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_template.py TEMPLATE")
    with open(sys.argv[1]) as f:
        try:
            template = yaml.load(f, Loader=CfnLoader)
        except yaml.YAMLError as e:
            sys.exit(f"{sys.argv[1]}: not YAML: {e}")
    problems = check(template)
    for problem in problems:
        print(f"{sys.argv[1]}: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{sys.argv[1]}: ok")


if __name__ == "__main__":
    main()
