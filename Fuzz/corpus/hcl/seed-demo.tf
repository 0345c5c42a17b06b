terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}
resource "aws_vpc" "main" {
  cidr_block = "10.1.0.0/16"
}
