public enum TaskMaster { public static let name = "TaskMaster" }
