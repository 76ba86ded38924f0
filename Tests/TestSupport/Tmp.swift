import RedisCore
