terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
    random = "~> 3.0"
  }
}
provider "aws" { region = "us-east-1" }
resource "aws_s3_bucket" "b" {
  tags = { a = [1, 2, "x${var.y}"] }
  # comment
}
