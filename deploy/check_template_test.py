#!/usr/bin/python3
"""Shows check_template.py passes deploy/template.yaml and catches the
mistakes it is there for: broader actions or resources, a stray reference,
a driver policy attached in the template, the wrong runtime."""
import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_template  # noqa: E402
import yaml  # noqa: E402

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "template.yaml")


class CheckTemplateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(TEMPLATE) as f:
            cls.template = yaml.load(f, Loader=check_template.CfnLoader)

    def problems_after(self, change):
        template = copy.deepcopy(self.template)
        change(template["Resources"])
        return "\n".join(check_template.check(template))

    def test_template_passes(self):
        self.assertEqual(check_template.check(self.template), [])

    def test_short_tags_become_intrinsics(self):
        self.assertEqual(self.template["Resources"]["Function"]["Properties"]["Role"],
                         {"Fn::GetAtt": ["FunctionRole", "Arn"]})

    def test_refuses_a_wider_s3_grant(self):
        def widen(r):
            r["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][1]["Action"] = "s3:*"
        self.assertIn("wildcard action 's3:*'", self.problems_after(widen))

    def test_refuses_every_resource(self):
        def widen(r):
            r["DriverPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] = "*"
        self.assertIn("every resource", self.problems_after(widen))

    def test_refuses_an_attached_driver_policy(self):
        def attach(r):
            r["DriverPolicy"]["Properties"]["Roles"] = [{"Ref": "FunctionRole"}]
        self.assertIn("DriverPolicy is attached", self.problems_after(attach))

    def test_refuses_an_unknown_reference(self):
        def misspell(r):
            r["Function"]["Properties"]["MemorySize"] = {"Ref": "Memory"}
        self.assertIn("Ref to unknown 'Memory'", self.problems_after(misspell))

    def test_refuses_another_runtime(self):
        def change(r):
            r["Function"]["Properties"]["Runtime"] = "provided.al2"
        self.assertIn("Function Runtime is 'provided.al2'", self.problems_after(change))


if __name__ == "__main__":
    unittest.main()
