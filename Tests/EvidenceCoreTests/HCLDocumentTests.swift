import EvidenceCore
import Testing

@Suite struct HCLDocumentTests {
    @Test func readsTerraformSettingsPastCommentsTemplatesAndHeredocs() throws {
        let document = HCLDocument(#"""
            /* settings */
            locals {
              policy = <<-EOT
                { "terraform": { "required_version": "0.1" } }
                EOT
              name = "${var.env == "prod" ? "p}" : "np"}-app"  # a brace inside a template string
            }
            terraform {
              required_version = ">= 1.6, < 2.0" // comment after a value
              backend "s3" { bucket = "state" }
              required_providers {
                aws = {
                  source  = "hashicorp/aws"
                  version = "~> 5.0"
                }
                random = "3.6.0"
                google = { source = "hashicorp/google", version = var.google_version }
                null = { source = "hashicorp/null" }
              }
            }
            provider "aws" { region = "eu-west-1" }
            resource "aws_s3_bucket" "logs" { tags = { Name = "logs" } }
            """#)
        #expect(document.error == nil)
        let terraform = try #require(document.body.blocks("terraform").first)
        #expect(terraform.body.attributes["required_version"] == .string(">= 1.6, < 2.0"))
        #expect(terraform.body.blocks("backend").first?.labels == ["s3"])
        let providers = try #require(terraform.body.blocks("required_providers").first).body.attributes
        #expect(providers["aws"]?["version"] == .string("~> 5.0"))
        #expect(providers["random"] == .string("3.6.0"))
        #expect(providers["google"]?["version"] == .expression)
        #expect(providers["null"]?["version"] == nil)
        #expect(document.body.blocks("provider").map(\.labels) == [["aws"]])
        #expect(document.body.blocks("resource").map(\.labels) == [["aws_s3_bucket", "logs"]])
        #expect(document.body.blocks("locals").first?.body.attributes["name"] == .expression)
    }

    /// Every expression form of HCL's native syntax is read past structurally, so the settings after it still count
    /// (an object `for` expression once ended the parse, and a pinned module failed iac-pinned).
    @Test(arguments: [
        #"{ for k, v in var.tags : k => v if v != "" }"#,
        #"{ for k, v in var.m : v.group => k... }"#,
        "[for s in var.list : upper(s)]",
        "aws_instance.web[*].id",
        "var.things.*.name",
        #"var.enabled ? "a" : "b""#,
        #""x-%{ if var.a }yes%{ else }no%{ endif }-${join(",", [for i in var.i : i])}""#,
        "<<-EOT\n    hello ${var.name}\n    %{ for x in var.xs }${x}%{ endfor }\n  EOT",
        "{\n    for k, v in var.tags :\n    k => v\n  }",
        "{\n    (var.subnet) = [{ range_name = var.pods }]\n    \"${var.env}-x\" = 1\n  }",
    ])
    func everyExpressionFormIsReadPast(expression: String) throws {
        let document = HCLDocument("""
            module "vpc" {
              tags    = \(expression)
              source  = "terraform-aws-modules/vpc/aws"
              version = "5.1.0"
            }
            terraform {
              required_version = ">= 1.5"
            }
            """)
        #expect(document.error == nil, "\(document.error ?? "")")
        let module = try #require(document.body.blocks("module").first)
        #expect(module.body.attributes["version"] == .string("5.1.0"))
        #expect(module.body.attributes["tags"] != nil)
        #expect(document.body.blocks("terraform").first?.body.attributes["required_version"] == .string(">= 1.5"))
    }

    @Test func anUnclosedBlockIsReportedWithItsLine() {
        let document = HCLDocument("terraform {\n  required_version = \">= 1.6\"\n")
        #expect(document.error == "line 3: missing closing brace")
        #expect(document.body.blocks.isEmpty == false)
    }

    /// 100,000 levels of nesting end the parse with one error line; the stack is never at risk.
    @Test(arguments: [
        String(repeating: "b {\n", count: 100_000),
        "a = " + String(repeating: "{ x = ", count: 100_000),
        "a = " + String(repeating: "[", count: 100_000),
        "a = \"${" + String(repeating: "(", count: 100_000) + "}\"",
    ])
    func deepNestingIsRefusedWithAnError(text: String) {
        let document = HCLDocument(text)
        #expect(document.error?.hasSuffix("nested deeper than 128 levels") == true, "\(document.error ?? "no error")")
    }
}
