resource "aws_ecs_cluster" "apps" {
  name = "apps"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {
      name       = "api"
      image      = "registry.example.com/api:1.4.2"
      privileged = false
      environment = [
        { name = "STRIPE_SECRET_KEY", value = "sk_live_4eC39HqLyjWDarjtT1zdp7dc" },
        { name = "LOG_LEVEL", value = "info" }
      ]
    }
  ])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.apps.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = ["subnet-0a1"]
    assign_public_ip = true
  }
}

resource "aws_ecr_repository" "api" {
  name                 = "api"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = false
  }
}
