resource "aws_kms_key" "app" {
  description             = "app"
  deletion_window_in_days = 7
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_sqs_queue" "orders" {
  name                    = "orders"
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.orders.arn
    }]
  })
}

resource "aws_sns_topic" "notifications" {
  name              = "notifications"
  kms_master_key_id = aws_kms_key.app.arn
}

resource "aws_sns_topic_subscription" "webhook" {
  topic_arn = aws_sns_topic.notifications.arn
  protocol  = "http"
  endpoint  = "http://hooks.example.com/notify"
}

resource "aws_secretsmanager_secret" "api" {
  name = "api-credentials"
}

resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = "p4ssw0rd-in-plain-text"
}
