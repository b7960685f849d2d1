resource "aws_iam_role" "fn" {
  name = "report-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "fn" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_lambda_function" "report" {
  function_name = "report"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.8"
  handler       = "report.handler"
  filename      = "report.zip"

  environment {
    variables = {
      DB_PASSWORD = "hunter2-but-longer-1234"
    }
  }
}

resource "aws_lambda_function_url" "report" {
  function_name      = aws_lambda_function.report.function_name
  authorization_type = "NONE"
}
