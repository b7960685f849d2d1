resource "aws_iam_user" "automation" {
  name = "automation"
}

resource "aws_iam_access_key" "automation" {
  user = aws_iam_user.automation.name
}

resource "aws_iam_user_policy" "automation" {
  name = "automation"
  user = aws_iam_user.automation.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      }
    ]
  })
}

resource "aws_iam_role" "any_account" {
  name = "shared-readonly"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "sts:AssumeRole"
      }
    ]
  })
}

resource "aws_iam_role_policy_attachment" "any_account" {
  role       = aws_iam_role.any_account.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_policy" "deployer" {
  name   = "deployer"
  policy = data.aws_iam_policy_document.deployer.json
}

data "aws_iam_policy_document" "deployer" {
  statement {
    actions   = ["iam:PassRole", "iam:AttachRolePolicy", "lambda:*"]
    resources = ["*"]
  }
  statement {
    effect      = "Allow"
    not_actions = ["iam:*", "organizations:*"]
    resources   = ["*"]
  }
}
