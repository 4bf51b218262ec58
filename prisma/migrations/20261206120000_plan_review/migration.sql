-- AlterEnum
ALTER TYPE "ProjectStatus" ADD VALUE 'awaiting_plan_review' AFTER 'budget_exhausted';
