-- wrk script: cycle over the paths listed in the file named by BENCH_PATHS (one per line), then
-- report like wrk_report.lua. Each wrk thread starts at another place in the list.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local position = 0

setup = function(thread)
  thread:set("offset", math.random(#paths))
end

request = function()
  position = position + 1
  return wrk.format("GET", paths[((position + (offset or 0)) % #paths) + 1])
end

dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
