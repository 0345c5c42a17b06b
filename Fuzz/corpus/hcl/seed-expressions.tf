locals {
  tags = { for k, v in var.tags : k => v if v != "" }
  names = [for s in var.list : upper(s)]
  ids = aws_instance.web[*].id
  all = var.things.*.name
  pick = var.enabled ? "a" : "b"
  doc = <<-EOT
    hello ${var.name}
    %{ for x in var.xs }${x}%{ endfor }
  EOT
  tmpl = "x-%{ if var.a }yes%{ else }no%{ endif }-${join(",", [for i in var.i : i])}"
  grouped = { for k, v in var.m : v.group => k... }
}
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  tags    = { for k, v in var.tags : k => v if v != "" }
}
